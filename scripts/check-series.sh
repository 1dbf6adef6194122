#!/usr/bin/env bash
# Check that `series` and patches/ agree and that every patch carries exactly
# one Signed-off-by, matching its From: (the project identity), and no
# Reviewed/Acked/Tested-by that nobody gave. One PASS/FAIL line per patch.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/identity.sh
. "$top/scripts/identity.sh"
me="$GIT_AUTHOR_NAME <$GIT_AUTHOR_EMAIL>"

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
	[ "$from" = "$me" ] || why+=("From: is '$from', not the project identity")
	[ "$sobs" -eq 1 ] || why+=("$sobs Signed-off-by lines")
	grep -q "^Signed-off-by: $me\$" "$f" || why+=("Signed-off-by does not match From:")
	! grep -qE '^(Reviewed|Acked|Tested)-by: ' "$f" || why+=("carries a Reviewed/Acked/Tested-by")
	if [ ${#why[@]} -eq 0 ]; then
		echo "PASS: $p: headers and sign-off"
	else
		echo "FAIL: $p: ${why[*]}"
		fail=1
	fi
done
exit "$fail"
