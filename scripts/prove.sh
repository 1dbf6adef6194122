#!/usr/bin/env bash
# Show that the series' tests can fail: revert each fix listed in
# kunit/proofs (keeping its test file), run KUnit, and require the listed
# cases to fail. Usage: prove.sh <tree> <branch> <artifacts>
set -euo pipefail

tree=$1 branch=$2 art=$3
top=$(cd "$(dirname "$0")/.." && pwd)
fail=0
while IFS='|' read -r subject testfile cases; do
	c=$(git -C "$tree" log --format=%H --fixed-strings --grep="$subject" "base..$branch" | head -n1)
	if [ -z "$c" ]; then
		echo "FAIL: proof: no commit '$subject' in the series"
		fail=1
		continue
	fi
	git -C "$tree" checkout -q -f "$branch"
	git -C "$tree" diff "$c^" "$c" -- . ":!$testfile" | git -C "$tree" apply -R
	label=without-$(git -C "$tree" log -1 --format=%h "$c")
	EXPECT_FAIL=$cases "$top/scripts/kunit.sh" "$tree" "$art" "$label" || fail=1
	git -C "$tree" checkout -q -f "$branch"
done < <(grep -v '^[[:space:]]*\(#\|$\)' "$top/kunit/proofs")
exit "$fail"
