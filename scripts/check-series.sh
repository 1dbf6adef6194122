#!/usr/bin/env bash
# Check that `series` and patches/ agree and that every patch carries exactly
# one Signed-off-by, matching its From: (whoever that is: the project's
# placeholder or the sender's own identity), and no Reviewed/Acked/Tested-by
# that nobody gave: a tag is kept only if postings/earned-tags lists it for
# that patch with the mail it was given in. One PASS/FAIL line per patch.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)

listed=$(grep -v '^[[:space:]]*\(#\|$\)' "$top/series" || true)
present=$(cd "$top/patches" && find . -maxdepth 1 -name '*.patch' | sed 's|^\./||' | sort)
fail=0
if [ "$listed" = "$present" ]; then
	echo "PASS: series lists patches/*.patch in order ($(echo "$listed" | wc -l) patches)"
else
	echo "FAIL: series and patches/ differ:"
	diff <(echo "$listed") <(echo "$present") | head -10 || true
	fail=1
fi

for p in $listed; do
	f=$top/patches/$p
	[ -f "$f" ] || continue
	why=()
	from=$(sed -n 's/^From: //p' "$f" | head -n1)
	sobs=$(grep -c '^Signed-off-by: ' "$f" || true)
	grep -q '^Subject: \[PATCH' "$f" || why+=("no 'Subject: [PATCH'")
	[ "$sobs" -eq 1 ] || why+=("$sobs Signed-off-by lines")
	grep -qxF "Signed-off-by: $from" "$f" || why+=("Signed-off-by does not match From: $from")
	subj=$(awk '/^Subject: / { s = $0; while ((getline l) > 0 && l ~ /^[ \t]/) s = s l
			print s; exit }' "$f" | sed 's/^Subject: \[[^]]*\] *//; s/[[:space:]]\+/ /g')
	while read -r tag; do
		awk -F'|' -v s="$subj" -v t="$tag" '!/^#/ && $1 == s && $2 == t && $3 ~ /^https:/ { ok = 1 }
			END { exit !ok }' "$top/postings/earned-tags" ||
			why+=("'$tag' is not in postings/earned-tags with the mail it was given in")
	done < <(grep -E '^(Reviewed|Acked|Tested)-by: ' "$f" || true)
	if [ ${#why[@]} -eq 0 ]; then
		echo "PASS: $p: headers and sign-off"
	else
		echo "FAIL: $p: ${why[*]}"
		fail=1
	fi
done
exit "$fail"
