#!/usr/bin/env bash
# Check the series out as commits on branch "dev" of a separate work tree, for
# hacking; `make regen` turns them back into patches/. An existing dev branch
# is kept unless FORCE=1. Usage: edit.sh <tree> <worktree>
set -euo pipefail

tree=$1 wt=$2
here=$(cd "$(dirname "$0")" && pwd)
# A work tree whose repository was replaced (a new base) is moved aside,
# never deleted: its files may hold work not committed.
if [ -d "$wt" ] && ! git -C "$wt" rev-parse -q --verify HEAD >/dev/null 2>&1; then
	mv "$wt" "$wt.orphan-$(date -u +%Y%m%dT%H%M%S)"
	echo "edit: $wt belonged to a replaced tree; moved to $wt.orphan-*" >&2
fi
if [ ! -d "$wt" ]; then
	git -C "$tree" worktree prune
	git -C "$tree" worktree add -q --detach "$wt" base
fi
if git -C "$wt" rev-parse -q --verify dev >/dev/null && [ "${FORCE:-0}" != 1 ]; then
	git -C "$wt" checkout -q dev
	echo "edit: branch dev exists; $wt has it checked out (FORCE=1 re-applies the series)"
	exit 0
fi
"$here/apply.sh" "$wt" dev
echo "edit: hack in $wt (commits on branch dev, git add -f for new files), then make regen"
