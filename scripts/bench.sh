#!/usr/bin/env bash
# Benchmark the I/O page fault path without debug options (no lockdep, no
# KASAN): run the iopf_report_benchmark case at the tip of the series and
# with the fixes of kunit/proofs reverted, in one run, and print both.
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
		--kunitconfig="$top/kunit/x86_64.kunitconfig" --timeout=300 \
		'iommu-iopf.iopf_report_benchmark') > "$art/bench-$1.log" 2>&1 || true
	line=$(grep -h 'iopf_report:' "$build/test.log" | sed 's/^.*iopf_report: //')
	[ -n "$line" ] || { echo "FAIL: bench ($1): no result; see $art/bench-$1.log"; return 1; }
	echo "PASS: bench ($1): $line"
}

git -C "$tree" checkout -q -f "$branch"
run "$branch"
while IFS='|' read -r subject testfile _; do
	c=$(git -C "$tree" log --format=%H --fixed-strings --grep="$subject" "base..$branch" | head -n1)
	[ -n "$c" ] || continue
	git -C "$tree" diff "$c^" "$c" -- . ":!$testfile" | git -C "$tree" apply -R
	run "without-$(git -C "$tree" log -1 --format=%h "$c")"
	git -C "$tree" checkout -q -f "$branch"
done < <(grep -v '^[[:space:]]*\(#\|$\)' "$top/kunit/proofs")
