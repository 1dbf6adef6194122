#!/usr/bin/env bash
# checkpatch --strict on every patch of the series: any error, warning or
# check fails that patch, except a type that checkpatch.ignore lists for that
# patch with its reason. Debian's python3 goes first on PATH (spdxcheck needs
# python3-ply and python3-git). Usage: checkpatch.sh <tree>
set -euo pipefail

tree=$1
top=$(cd "$(dirname "$0")/.." && pwd)
export PATH=/usr/bin:$PATH
[ -x "$tree/scripts/checkpatch.pl" ] || { echo "FAIL: no kernel tree at $tree"; exit 1; }
fail=0
while read -r p; do
	# No upstream history in a tarball tree: Fixes: ids cannot be looked up.
	ign=()
	git -C "$tree" cat-file -e '557dbdf6c4e9^{commit}' 2>/dev/null || ign=(--ignore UNKNOWN_COMMIT_ID)
	# A new file already covered by a MAINTAINERS entry needs no update.
	covered=1
	while read -r f; do
		(cd "$tree" && ./scripts/get_maintainer.pl --nogit --nogit-fallback --nol -f "$f") |
			grep -q . || covered=0
	done < <(awk '/^--- \/dev\/null/ { n = 1; next }
		n && /^\+\+\+ b\// { print substr($0, 7) } { n = 0 }' "$top/patches/$p")
	[ "$covered" = 1 ] && ign+=(--ignore FILE_PATH_CHANGES)
	subj=$(awk '/^Subject: / { s = $0; while ((getline l) > 0 && l ~ /^[ \t]/) s = s l
			print s; exit }' "$top/patches/$p" | sed 's/^Subject: \[[^]]*\] *//; s/[[:space:]]\+/ /g')
	kept=$(awk -F'|' -v s="$subj" '!/^#/ && $1 == s { print $2 }' "$top/checkpatch.ignore")
	for t in $kept; do ign+=(--ignore "$t"); done
	out=$(cd "$tree" && ./scripts/checkpatch.pl --strict --quiet "${ign[@]}" "$top/patches/$p" 2>&1) || true
	if [ -z "$out" ]; then
		echo "PASS: checkpatch --strict $p${kept:+ (kept on purpose: ${kept//$'\n'/ }; see checkpatch.ignore)}"
	else
		echo "FAIL: checkpatch --strict $p"
		printf '%s\n' "$out" | head -30
		fail=1
	fi
done < <(grep -v '^[[:space:]]*\(#\|$\)' "$top/series")
exit "$fail"
