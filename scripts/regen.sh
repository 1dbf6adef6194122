#!/usr/bin/env bash
# Regenerate patches/ and `series` from the commits base..<branch> of the work
# tree. Output is stable: same commits, same bytes. `#` lines of `series` stay
# in front of the patch they preceded (by position).
# Usage: regen.sh <tree> <branch>
set -euo pipefail

tree=$1 branch=$2
top=$(cd "$(dirname "$0")/.." && pwd)

git -C "$tree" rev-parse -q --verify "$branch" >/dev/null ||
	{ echo "regen: no branch $branch in $tree (run make edit first)" >&2; exit 1; }
n=$(git -C "$tree" rev-list --count "base..$branch")
[ "$n" -gt 0 ] || { echo "regen: no commits on $branch" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$tree" format-patch -q --zero-commit --no-signature --no-base \
	-o "$tmp" "base..$branch"

# Comment and blank lines of the old series, by the index of the patch they precede.
declare -a notes=()
i=0
if [ -f "$top/series" ]; then
	while IFS= read -r line; do
		if [[ $line =~ ^[[:space:]]*(#|$) ]]; then
			notes[i]+="$line"$'\n'
		else
			i=$((i + 1))
		fi
	done < "$top/series"
fi

rm -f "$top"/patches/*.patch
mkdir -p "$top/patches"
mv "$tmp"/*.patch "$top/patches/"

i=0
{
	for f in "$top"/patches/*.patch; do
		printf '%s' "${notes[i]:-}"
		basename "$f"
		i=$((i + 1))
	done
	printf '%s' "${notes[i]:-}"
} > "$top/series"
echo "regen: $n patches written to patches/ and series"
