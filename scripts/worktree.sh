#!/usr/bin/env bash
# Make <dir> a detached worktree of <tree> at <commit>, unless it already is
# one whose repository knows <commit>; a worktree left over from a replaced
# repository (a new base) is made again. For the stages that check out and
# revert in a tree of their own. --reset: also put a kept worktree back at
# <commit> as if new (an interrupted git am aborted, untracked files gone).
# Usage: worktree.sh [--reset] <tree> <dir> <commit>
set -euo pipefail

reset=0
[ "$1" = --reset ] && { reset=1; shift; }
tree=$1 dir=$2 commit=$3
if ! git -C "$dir" rev-parse -q --verify "$commit^{commit}" >/dev/null 2>&1; then
	rm -rf "$dir"
	git -C "$tree" worktree prune
	git -C "$tree" worktree add -q --detach "$dir" "$commit"
elif [ "$reset" = 1 ]; then
	git -C "$dir" am --abort > /dev/null 2>&1 || true
	git -C "$dir" checkout -q -f --detach "$commit"
	git -C "$dir" clean -q -f -d -x
fi
