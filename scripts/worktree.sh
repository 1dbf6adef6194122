#!/usr/bin/env bash
# Make <dir> a detached worktree of <tree> at <commit>, unless it already is
# one whose repository knows <commit>; a worktree left over from a replaced
# repository (a new base) is made again. For the stages that check out and
# revert in a tree of their own.
# Usage: worktree.sh <tree> <dir> <commit>
set -euo pipefail

tree=$1 dir=$2 commit=$3
if ! git -C "$dir" rev-parse -q --verify "$commit^{commit}" >/dev/null 2>&1; then
	rm -rf "$dir"
	git -C "$tree" worktree prune
	git -C "$tree" worktree add -q --detach "$dir" "$commit"
fi
