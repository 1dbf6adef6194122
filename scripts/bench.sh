#!/usr/bin/env bash
# Run the series' benchmark cases (KUnit cases with the slow attribute) on a
# kernel without debug options (no lockdep, no KASAN), at the tip of the
# series and at the points that show what a part changed:
#  - the I/O page fault benchmark with each fix of kunit/proofs reverted
#    where it still reverts at the tip (the SRCU drain of Part 1);
#  - the type1 pinning benchmark at the Part 2 test patch, which is v7.3's
#    pinning code.
# Usage: bench.sh <tree> <branch> <artifacts>
set -euo pipefail

tree=$1 branch=$2 art=$3
top=$(cd "$(dirname "$0")/.." && pwd)
build=${CACHE:?}/build/$(basename "$tree")-kunit-x86_64-bench
export PATH="$top/kunit/bin:$PATH"
mkdir -p "$art"

run() {	# <label>
	(cd "$tree" && ./tools/testing/kunit/kunit.py run --arch=x86_64 \
		--build_dir="$build" --jobs="$(nproc)" --make_options="CC=ccache gcc" \
		--kunitconfig=drivers/iommu --kunitconfig=drivers/vfio --timeout=300 \
		--filter speed=slow) > "$art/bench-$1.log" 2>&1 || true
	lines=$(grep -h 'iopf_report:\|iopf_detach:\|type1_pin:\|type1_pin_one:' "$build/test.log" | sed 's/^.*# [a-z0-9_]*: //')
	[ -n "$lines" ] || { echo "FAIL: bench ($1): no result; see $art/bench-$1.log"; return 1; }
	printf '%s\n' "$lines" | sed "s/^/PASS: bench ($1): /"
}

fail=0
git -C "$tree" checkout -q -f "$branch"
run "$branch" || fail=1
while IFS='|' read -r subject testfile _; do
	c=$(git -C "$tree" log --format=%H --fixed-strings --grep="$subject" "base..$branch" | head -n1)
	[ -n "$c" ] || continue
	git -C "$tree" checkout -q -f "$branch"
	git -C "$tree" diff "$c^" "$c" -- . ":!$testfile" | git -C "$tree" apply -R --check 2>/dev/null || continue
	git -C "$tree" diff "$c^" "$c" -- . ":!$testfile" | git -C "$tree" apply -R
	run "without-$(git -C "$tree" log -1 --format=%h "$c")" || fail=1
done < <(grep -v '^[[:space:]]*\(#\|$\)' "$top/kunit/proofs")
c=$(git -C "$tree" log --format=%H --fixed-strings \
	--grep='vfio/type1: Add KUnit tests for vfio_pin_pages()' "base..$branch" | head -n1)
if [ -n "$c" ]; then
	git -C "$tree" checkout -q -f "$c"
	run "v7.3-pinning-$(git -C "$tree" log -1 --format=%h "$c")" || fail=1
fi
git -C "$tree" checkout -q -f "$branch"
exit "$fail"
