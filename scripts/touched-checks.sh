#!/usr/bin/env bash
# kernel-doc and coccicheck on the kernel C and header files the series
# touches, at the base and at the tip: only findings the base does not have
# fail. A file's findings at a commit are kept (scripts/rcache.sh) by the
# file, the tree's scripts/ and include/ and this script: a file no patch
# changed is not checked again. The files are checked out in a worktree of
# their own next to <tree>. Usage: touched-checks.sh <tree> <branch> <logdir>
set -euo pipefail
# Ctrl-C ends the loop, not just the build or run it is in.
trap 'exit 130' INT TERM

tree=$1 branch=$2 logs=$3
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$logs"
export PATH=/usr/bin:$PATH
# shellcheck source=scripts/rcache.sh
. "$here/rcache.sh"
tools=$(rkey @"$0" "$(spatch --version 2>/dev/null | head -n1)")
wt=$tree-checks
"$here/worktree.sh" "$tree" "$wt" "$branch"

mapfile -t files < <(git -C "$tree" diff --name-only --diff-filter=AM "base..$branch" -- \
	'*.c' '*.h' ':!tools/' ':!samples/')
strip() { sed -E "s#^$wt/##; s#:[0-9]+(:[0-9]+)?#:#g" | sort -u; }

kdoc() {	# <file> -> findings
	[ -f "$wt/$1" ] || return 0
	(cd "$wt" && ./scripts/kernel-doc -none "$1" 2>&1) | strip
}
# scripts/coccicheck's one-file mode (what make C=2 CHECK=scripts/coccicheck
# runs), without needing a configured build of that file.
cocci() {	# <file.c> -> findings; fails if coccicheck does
	[ -f "$wt/$1" ] || return 0
	local out rc=0
	out=$(cd "$wt" && srctree=. C=2 MODE=report \
		LINUXINCLUDE="-Iinclude -Iarch/x86/include -Iinclude/uapi" \
		./scripts/coccicheck "$1" 2>/dev/null) || rc=$?
	printf '%s\n' "$out" | grep -E '^[^ ]+:[0-9]+' | strip || true
	return "$rc"
}

run() { if [ "$1" = kdoc ]; then kdoc "$2"; else cocci "$2"; fi; }

# checked <kind> <file> <commit> <out>: the findings, kept or found now in
# the worktree, which is at <commit>; fails if the tool did.
checked() {
	local key tmp=$logs/tmp-$1-$3-${2//\//_}
	rm -f "$4"
	key=$(rkey "$tools" "$1" "$2" "$(git -C "$tree" rev-parse "$3:$2" 2>/dev/null || echo none)" \
		"$(git -C "$tree" rev-parse "$3:scripts" "$3:include" "$3:arch/x86/include" \
			"$3:$(dirname "$2")")")
	if rget findings "$key" "$tmp"; then
		mv "$tmp/findings" "$4"
		rmdir "$tmp"
		return
	fi
	# A tool that failed gives no findings: a failure, not kept.
	if ! run "$1" "$2" > "$4"; then
		echo "FAIL: $1 $2: the check failed to run at $3"
		rm -f "$4"
		return 1
	fi
	mkdir -p "$tmp"
	cp "$4" "$tmp/findings"
	rput findings "$key" "$tmp/findings"
	rm -rf "$tmp"
}

# all <kind> <commit> <label>: every file at <commit>, as many at a time
# as there are CPUs (coccicheck's one-file mode runs one spatch).
all() {
	local f p rc=0 pids=()
	git -C "$wt" checkout -q -f --detach "$2"
	for f in "${files[@]}"; do
		[ "$1" = cocci ] && [ "${f%.c}" = "$f" ] && continue
		while [ "$(jobs -rp | wc -l)" -ge "$(nproc)" ]; do wait -n || true; done
		checked "$1" "$f" "$2" "$logs/$1-$3-${f//\//_}" &
		pids+=("$!")
	done
	# wait <pid> still gives the status of a job wait -n has collected.
	for p in "${pids[@]}"; do wait "$p" || rc=1; done
	return "$rc"
}

fail=0
for kind in kdoc cocci; do
	all "$kind" base base || fail=1
	all "$kind" "$branch" tip || fail=1
	for f in "${files[@]}"; do
		[ "$kind" = cocci ] && [ "${f%.c}" = "$f" ] && continue
		# A check that failed to run has said so above.
		if [ ! -e "$logs/$kind-base-${f//\//_}" ] || [ ! -e "$logs/$kind-tip-${f//\//_}" ]; then
			continue
		fi
		new=$(comm -13 "$logs/$kind-base-${f//\//_}" "$logs/$kind-tip-${f//\//_}")
		if [ -n "$new" ]; then
			echo "FAIL: $kind $f: new findings"
			printf '%s\n' "$new" | head -10
			fail=1
		else
			echo "PASS: $kind $f"
		fi
	done
done
exit "$fail"
