#!/usr/bin/env bash
# Run the series' benchmark cases (KUnit cases with the slow attribute) on
# kernels without debug options (no lockdep, no KASAN), at the tip of the
# series and at the points that show what a part changed:
#  - the I/O page fault benchmark with each fix of kunit/proofs reverted
#    where it still reverts at the tip (the SRCU drain of Part 1);
#  - the type1 pinning benchmark at the Part 2 test patch, which is v7.3's
#    pinning code.
# Each kernel is built for x86_64 (QEMU under TCG) and for UML, which runs
# on the host CPU, and booted BENCH_BOOTS times (3 by default): the figures
# of one TCG boot differ from the next by up to 10%, more than some of the
# differences measured, so one boot is not enough to compare kernels.
# Usage: bench.sh <tree> <branch> <artifacts>
set -euo pipefail

tree=$1 branch=$2 art=$3
top=$(cd "$(dirname "$0")/.." && pwd)
boots=${BENCH_BOOTS:-3}
export PATH="$top/kunit/bin:$PATH"
mkdir -p "$art"

# The kernels are checked out and reverted in a work tree of their own next
# to <tree>, with build directories of their own.
wt=$tree-bench
"$top/scripts/worktree.sh" "$tree" "$wt" "$branch"

run() {	# <label>
	local arch build log lines b cmd
	for arch in x86_64 um; do
		build=${CACHE:?}/build/$(basename "$wt")-kunit-$arch
		log=$art/bench-$1-$arch.log
		# The first boot builds the kernel; the others only boot it.
		cmd=(run --jobs="$(nproc)" --make_options="CC=ccache gcc")
		for b in $(seq 1 "$boots"); do
			rm -f "$build/test.log"
			(cd "$wt" && ./tools/testing/kunit/kunit.py "${cmd[@]}" \
				--arch="$arch" --build_dir="$build" \
				--kunitconfig=drivers/iommu --kunitconfig=drivers/vfio --timeout=300 \
				--filter speed=slow) >> "$log" 2>&1 || true
			cmd=(exec)
			lines=$(grep -sh 'iopf_report:\|iopf_detach:\|type1_pin:\|type1_pin_one:' "$build/test.log" | sed 's/^.*# [a-z0-9_]*: //')
			[ -n "$lines" ] || { echo "FAIL: bench ($1, $arch, boot $b): no result; see $log"; return 1; }
			printf '%s\n' "$lines" | sed "s/^/PASS: bench ($1, $arch, boot $b): /"
		done
	done
}

fail=0
git -C "$wt" checkout -q -f --detach "$branch"
run "$branch" || fail=1
while IFS='|' read -r subject testfile _; do
	c=$(git -C "$wt" log --format=%H --fixed-strings --grep="$subject" "base..$branch" | head -n1)
	[ -n "$c" ] || continue
	git -C "$wt" checkout -q -f --detach "$branch"
	git -C "$wt" diff "$c^" "$c" -- . ":!$testfile" | git -C "$wt" apply -R --check 2>/dev/null || continue
	git -C "$wt" diff "$c^" "$c" -- . ":!$testfile" | git -C "$wt" apply -R
	run "without-$(git -C "$wt" log -1 --format=%h "$c")" || fail=1
done < <(grep -v '^[[:space:]]*\(#\|$\)' "$top/kunit/proofs")
c=$(git -C "$wt" log --format=%H --fixed-strings \
	--grep='vfio/type1: Add KUnit tests for vfio_pin_pages()' "base..$branch" | head -n1)
if [ -n "$c" ]; then
	git -C "$wt" checkout -q -f --detach "$c"
	run "v7.3-pinning-$(git -C "$wt" log -1 --format=%h "$c")" || fail=1
fi
git -C "$wt" checkout -q -f --detach "$branch"
exit "$fail"
