#!/usr/bin/env bash
# Apply the patches listed in `series` with git am onto a fresh branch that
# starts at the pristine base tag. Usage: apply.sh <tree> <branch>
set -euo pipefail

tree=$1 branch=$2
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/identity.sh
. "$top/scripts/identity.sh"

mapfile -t list < <(grep -v '^[[:space:]]*\(#\|$\)' "$top/series")
git -C "$tree" am --abort >/dev/null 2>&1 || true
git -C "$tree" checkout -q -f -B "$branch" base
git -C "$tree" clean -q -f -d -x

n=0
for p in "${list[@]}"; do
	if ! git -C "$tree" am -q --committer-date-is-author-date "$top/patches/$p" >/dev/null 2>&1; then
		echo "apply: patches/$p does not apply to $(git -C "$tree" log -1 --format=%s base)" >&2
		echo "apply: failing hunks:" >&2
		git -C "$tree" apply --check -v "$top/patches/$p" 2>&1 | grep -v '^Checking\|^Hunk.*succeeded' | head -20 >&2 || true
		git -C "$tree" am --abort >/dev/null 2>&1 || true
		exit 1
	fi
	n=$((n + 1))
done
echo "apply: $n patches applied with git am onto branch $branch of $tree"
