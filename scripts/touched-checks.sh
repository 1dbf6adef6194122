#!/usr/bin/env bash
# kernel-doc and coccicheck on the kernel C and header files the series
# touches, at the base and at the tip: only findings the base does not have
# fail. Usage: touched-checks.sh <tree> <branch> <logdir>
set -euo pipefail

tree=$1 branch=$2 logs=$3
mkdir -p "$logs"
export PATH=/usr/bin:$PATH

mapfile -t files < <(git -C "$tree" diff --name-only --diff-filter=AM "base..$branch" -- \
	'*.c' '*.h' ':!tools/' ':!samples/')
strip() { sed -E "s#^$tree/##; s#:[0-9]+(:[0-9]+)?#:#g" | sort -u; }

kdoc() {	# <file> -> findings
	[ -f "$tree/$1" ] || return 0
	(cd "$tree" && ./scripts/kernel-doc -none "$1" 2>&1) | strip
}
# scripts/coccicheck's one-file mode (what make C=2 CHECK=scripts/coccicheck
# runs), without needing a configured build of that file.
cocci() {	# <file.c> -> findings
	[ -f "$tree/$1" ] || return 0
	(cd "$tree" && srctree=. C=2 MODE=report \
		LINUXINCLUDE="-Iinclude -Iarch/x86/include -Iinclude/uapi" \
		./scripts/coccicheck "$1" 2>/dev/null) |
		grep -E '^[^ ]+:[0-9]+' | strip || true
}

run() { if [ "$1" = kdoc ]; then kdoc "$2"; else cocci "$2"; fi; }

fail=0
for kind in kdoc cocci; do
	git -C "$tree" checkout -q -f base
	for f in "${files[@]}"; do
		[ "$kind" = cocci ] && [ "${f%.c}" = "$f" ] && continue
		run "$kind" "$f" > "$logs/$kind-base-${f//\//_}"
	done
	git -C "$tree" checkout -q -f "$branch"
	for f in "${files[@]}"; do
		[ "$kind" = cocci ] && [ "${f%.c}" = "$f" ] && continue
		run "$kind" "$f" > "$logs/$kind-tip-${f//\//_}"
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
