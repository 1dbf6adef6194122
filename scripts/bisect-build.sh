#!/usr/bin/env bash
# Build every patch of the series on its own (the 0-day bot's bisect build):
# for each commit base..<branch>, the objects its files affect, per arch.
# A warning (W=1 or sparse) that the base build of the same targets did not
# have fails that patch. Prints one PASS/FAIL line per patch and arch.
# ARCHES (an extended regex, e.g. "x86_64|selftests") limits the builds.
# A build that passed is not done again for the same tree, targets, base
# warnings, scripts, config fragments and compilers (scripts/rcache.sh).
# The commits are checked out in a worktree of their own next to <tree>,
# built in build directories of their own.
# Usage: bisect-build.sh <tree> <branch> <logdir>
set -euo pipefail
# Ctrl-C ends the loop, not just the build or run it is in.
trap 'exit 130' INT TERM

tree=$1 branch=$2 logs=$3
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$logs"
# shellcheck source=scripts/rcache.sh
. "$here/rcache.sh"
wt=$tree-bisect
"$here/worktree.sh" "$tree" "$wt" "$branch"
sparse=$("$here/get-sparse.sh" "$wt")
tools=$(rkey @"$0" @"$here/build.sh" @"$here/selftests-build.sh" @"$here/get-sparse.sh" \
	"$("$sparse" --version 2>&1)" \
	"$(for cc in gcc s390x-linux-gnu-gcc aarch64-linux-gnu-gcc; do "$cc" --version 2>/dev/null | head -n1; done)")
# archkey <arch>: the arch's config fragment, the selftests' none.
archkey() { cat "$here/../kernel-config/$1.config" 2>/dev/null || true; }

gvt_objs() {
	git -C "$tree" ls-tree --name-only "$branch" drivers/gpu/drm/i915/gvt/ |
		sed -n 's/\.c$/.o/p'
}

# Targets per arch for a list of changed files; "selftests:<dir>" for tools.
targets_for() {
	local f
	for f in "$@"; do
		case $f in
		drivers/iommu/*|include/linux/iommu*.h|include/uapi/linux/iommufd.h)
			echo "x86_64 drivers/iommu/"; echo "s390x drivers/iommu/"
			echo "arm64 drivers/iommu/"; echo "um drivers/iommu/" ;;
		drivers/vfio/*|include/linux/vfio*.h|include/uapi/linux/vfio.h)
			echo "x86_64 drivers/vfio/"; echo "um drivers/vfio/"
			echo "arm64 drivers/vfio/"
			echo "s390x drivers/vfio/"; echo "s390x drivers/s390/cio/"
			echo "s390x drivers/s390/crypto/"
			gvt_objs | sed 's/^/x86_64 /' ;;
		drivers/gpu/drm/i915/gvt/*)
			gvt_objs | sed 's/^/x86_64 /' ;;
		drivers/s390/*)
			echo "s390x drivers/s390/cio/"; echo "s390x drivers/s390/crypto/" ;;
		tools/testing/selftests/vfio/*)
			echo "selftests vfio" ;;
		tools/testing/selftests/iommu/*)
			echo "selftests iommu" ;;
		include/*)
			echo "x86_64 drivers/iommu/"; echo "x86_64 drivers/vfio/" ;;
		esac
	done | { grep -E "^(${ARCHES:-[a-z0-9_]+}) " || true; } | sort -u
}

# Warnings of a build log, without line numbers, as "file: message".
warnings() {
	grep -E '^[^ ]+:[0-9]+(:[0-9]+)?: (warning|error):' "$1" |
		sed -E 's#^(\.\./)*##; s#:[0-9]+(:[0-9]+)?: #: #' | sort -u || true
}

build() {	# <arch> <log> <targets...>
	local arch=$1 log=$2
	shift 2
	if [ "$arch" = selftests ]; then
		"$here/selftests-build.sh" "$wt" "$log" "$@"
	else
		"$here/build.sh" "$wt" "$arch" "$log" "$@"
	fi
}

mapfile -t commits < <(git -C "$tree" rev-list --reverse "base..$branch")
declare -A want=()
for c in "${commits[@]}"; do
	mapfile -t files < <(git -C "$tree" diff --name-only "$c^" "$c")
	while read -r arch t; do
		want[$arch]+=" $t"
	done < <(targets_for "${files[@]}")
done

# Base: the union of every patch's targets, to know the warnings already there.
for arch in "${!want[@]}"; do
	read -ra t <<< "${want[$arch]}"
	mapfile -t t < <(printf '%s\n' "${t[@]}" | sort -u)
	key=$(rkey "$tools" "$(git -C "$tree" rev-parse 'base^{tree}')" "$arch" "$(archkey "$arch")" "${t[*]}")
	if rget base-warnings "$key" "$logs/kept"; then
		mv "$logs/kept/base.warn" "$logs/base-$arch.warn"
		rmdir "$logs/kept"
		continue
	fi
	git -C "$wt" checkout -q -f --detach base
	# A build prints the warnings of what it compiles: the base compiles
	# every target again, whatever an earlier run left in the directory
	# (build.sh; the selftests are not cleaned: their build is keyed into
	# the e2e guests' results, and they build without warnings).
	if ! CLEAN=1 build "$arch" "$logs/base-$arch.log" "${t[@]}"; then
		echo "FAIL: base does not build for $arch ($logs/base-$arch.log)"
		tail -20 "$logs/base-$arch.log"
		exit 1
	fi
	warnings "$logs/base-$arch.log" > "$logs/base-$arch.warn"
	cp "$logs/base-$arch.warn" "$logs/base.warn"
	rput base-warnings "$key" "$logs/base.warn"
	rm "$logs/base.warn"
done

n=0 fail=0 kept=0
for c in "${commits[@]}"; do
	n=$((n + 1))
	subj=$(git -C "$tree" log -1 --format=%s "$c")
	mapfile -t files < <(git -C "$tree" diff --name-only "$c^" "$c")
	declare -A per=()
	while read -r arch t; do
		per[$arch]+=" $t"
	done < <(targets_for "${files[@]}")
	for arch in "${!per[@]}"; do
		read -ra t <<< "${per[$arch]}"
		log=$logs/$(printf %04d "$n")-$arch.log
		key=$(rkey "$tools" "$(git -C "$tree" rev-parse "$c^{tree}")" "$arch" "$(archkey "$arch")" \
			"${t[*]}" @"$logs/base-$arch.warn")
		if rget patch-build "$key" "$logs/kept"; then
			rmdir "$logs/kept"
			echo "PASS: patch $n builds for $arch without new warnings (${t[*]}; kept)"
			kept=$((kept + 1))
			continue
		fi
		git -C "$wt" checkout -q -f --detach "$c"
		if ! build "$arch" "$log" "${t[@]}"; then
			echo "FAIL: patch $n ($subj) does not build for $arch; log $log"
			grep -E 'error|Error' "$log" | head -10
			fail=$((fail + 1))
			continue
		fi
		new=$(comm -13 "$logs/base-$arch.warn" <(warnings "$log"))
		if [ -n "$new" ]; then
			echo "FAIL: patch $n ($subj) adds warnings for $arch:"
			printf '%s\n' "$new" | head -10
			fail=$((fail + 1))
		else
			echo "PASS: patch $n builds for $arch without new warnings (${t[*]})"
			rput patch-build "$key"
		fi
	done
	unset per
done
[ "$kept" -eq 0 ] || echo "bisect-build: $kept builds kept from earlier runs of the same trees"
[ "$fail" -eq 0 ]
