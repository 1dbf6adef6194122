#!/usr/bin/env bash
# Run the series' benchmark cases (KUnit cases with the slow attribute) on
# kernels without debug options (no lockdep, no KASAN): the kernels of
# kunit/bench (the tip, the tip without Part 1's drain, v7.3's pinning
# code), each built for x86_64 (QEMU under TCG) and for UML (the host CPU).
# All kernels are built first; then each is booted BENCH_BOOTS times (21 by
# default), the kernels taking turns, so that a slow spell of the host
# falls on all of them alike. Function alignment is forced to 64 bytes
# (DEBUG_FORCE_FUNCTION_ALIGN_64B) so that code a patch does not touch
# does not move in and out of alignment between the kernels. Each boot's
# figures go to <artifacts>/bench/<kernel>.<arch>.<boot>;
# scripts/bench-table.sh makes the postings' tables of them.
# Usage: bench.sh <tree> <branch> <artifacts>
set -euo pipefail
# Ctrl-C ends the loop, not just the build or run it is in.
trap 'exit 130' INT TERM

tree=$1 branch=$2 art=$3
top=$(cd "$(dirname "$0")/.." && pwd)
boots=${BENCH_BOOTS:-21}
export PATH="$top/kunit/bin:$PATH"
out=$art/bench
rm -rf "$out"
mkdir -p "$out"
# What was measured, for the tables: the repo commit (-dirty: patches,
# series or kunit/bench not committed yet; the tables a run rewrites do not
# count) and the day.
dirty=
git -C "$top" diff --quiet HEAD -- patches series kunit/bench || dirty=-dirty
echo "$(git -C "$top" rev-parse --short HEAD)$dirty $(date -u +%F)" > "$out/measured"

# The kernels are checked out and reverted in a work tree of their own next
# to <tree>, with a build directory per kernel and arch.
wt=$tree-bench
"$top/scripts/worktree.sh" "$tree" "$wt" "$branch"
kargs=(--kunitconfig=drivers/iommu --kunitconfig=drivers/vfio --make_options="CC=ccache gcc"
	--kconfig_add CONFIG_EXPERT=y --kconfig_add CONFIG_DEBUG_FORCE_FUNCTION_ALIGN_64B=y)
bdir() { echo "${CACHE:?}/build/$(basename "$wt")-$1-$2"; }

# The commit with exactly this subject: a later commit's message may quote it.
commit_of() {	# <subject>
	git -C "$wt" log --format='%H%x09%s' "base..$branch" |
		awk -F '\t' -v s="$1" '$2 == s { print $1; exit }'
}

fail=0 names=()
while IFS='|' read -r name where testfile; do
	git -C "$wt" checkout -q -f --detach "$branch"
	case $where in
	tip) ;;
	revert:*|at:*)
		c=$(commit_of "${where#*:}")
		[ -n "$c" ] || { echo "FAIL: bench: $name: no commit '${where#*:}'"; fail=1; continue; }
		if [ "${where%%:*}" = at ]; then
			git -C "$wt" checkout -q -f --detach "$c"
		elif ! git -C "$wt" diff "$c^" "$c" -- . ":!$testfile" | git -C "$wt" apply -R; then
			echo "FAIL: bench: $name: $c does not revert at the tip"
			fail=1
			continue
		fi ;;
	*) echo "FAIL: bench: $name: bad kunit/bench line"; fail=1; continue ;;
	esac
	ok=1
	for arch in x86_64 um; do
		log=$art/bench-build-$name-$arch.log
		if ! (cd "$wt" && ./tools/testing/kunit/kunit.py config --arch="$arch" \
				--build_dir="$(bdir "$name" "$arch")" "${kargs[@]}" &&
			./tools/testing/kunit/kunit.py build --arch="$arch" --jobs="$(nproc)" \
				--build_dir="$(bdir "$name" "$arch")" "${kargs[@]}") > "$log" 2>&1; then
			echo "FAIL: bench: $name does not build for $arch; see $log"
			ok=0 fail=1
		fi
	done
	[ "$ok" = 0 ] || names+=("$name")
done < <(grep -v '^[[:space:]]*\(#\|$\)' "$top/kunit/bench")
git -C "$wt" checkout -q -f --detach "$branch"

for b in $(seq 1 "$boots"); do
	for name in "${names[@]}"; do
		for arch in x86_64 um; do
			build=$(bdir "$name" "$arch")
			rm -f "$build/test.log"
			(cd "$wt" && ./tools/testing/kunit/kunit.py exec --arch="$arch" \
				--build_dir="$build" "${kargs[@]}" --timeout=300 --filter speed=slow) >> "$art/bench-$name-$arch.log" 2>&1 || true
			f=$out/$name.$arch.$b
			grep -sh 'iopf_report:\|iopf_detach:\|type1_pin:\|type1_pin_one:' "$build/test.log" |
				sed 's/^.*# [a-z0-9_]*: //' > "$f" || true
			if [ ! -s "$f" ]; then
				echo "FAIL: bench ($name, $arch, boot $b): no result; see $art/bench-$name-$arch.log"
				fail=1
				continue
			fi
			sed "s/^/PASS: bench ($name, $arch, boot $b): /" "$f"
		done
	done
done
exit "$fail"
