#!/usr/bin/env bash
# Print "Range-diff against v1:" and git range-diff between the patches of
# part <part> as the repo had them at <v1 commit> (applied to base in a
# worktree of its own next to <tree>) and <from>..<to> of <tree>. The output
# is kept by its inputs (scripts/rcache.sh).
# Usage: range-diff.sh <tree> <v1 repo commit> <part> <from> <to>
set -euo pipefail

tree=$1 v1=$2 part=$3 from=$4 to=$5
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/identity.sh
. "$top/scripts/identity.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
wt=$tree-range-diff
# shellcheck source=scripts/rcache.sh
. "$top/scripts/rcache.sh"
key=$(rkey @"$0" "$(git -C "$top" rev-parse "$v1")" "$part" \
	"$(git -C "$tree" rev-parse "$from" "$to" 'base^{tree}')")
if rget range-diff "$key" "$tmp/kept"; then
	cat "$tmp/kept/out"
	exit 0
fi
"$top/scripts/worktree.sh" --reset "$tree" "$wt" base
git -C "$top" show "$v1:series" |
	awk -v p="$part" '/^# Part [0-9]+:/ { n = $3; sub(/:$/, "", n); cur = (n == p); next }
		cur && /^[0-9]/ { print }' > "$tmp/list"
[ -s "$tmp/list" ] || { echo "range-diff: no part $part in $v1:series" >&2; exit 1; }
while read -r p; do
	git -C "$top" show "$v1:patches/$p" |
		git -C "$wt" am -q --committer-date-is-author-date >/dev/null 2>&1 ||
		{ echo "range-diff: $v1:patches/$p does not apply to base" >&2; exit 1; }
done < "$tmp/list"
{
	echo
	echo "Range-diff against v1:"
	git -C "$tree" range-diff --no-color --creation-factor=60 \
		"base..$(git -C "$wt" rev-parse HEAD)" "$from..$to"
} > "$tmp/out"
rput range-diff "$key" "$tmp/out"
cat "$tmp/out"
