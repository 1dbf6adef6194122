#!/usr/bin/env bash
# Show that the series' tests can fail: for each fix listed in kunit/proofs,
# revert the fix but keep its test file, run the test file's KUnit suite, and
# require the listed cases to fail (and KASAN or lockdep to report, where the
# proof says so). The fix is reverted at the tip of the series when its diff still
# reverts there, otherwise at the fix commit itself, whose later patches
# rewrote the same code. A proof of a bug that a patch avoids from the start
# names a mutant instead (mutant:kunit/mutants/<name>.diff): that bug, put
# back at the tip. Usage: prove.sh <tree> <branch> <artifacts>
set -euo pipefail
# Ctrl-C ends the loop, not just the build or run it is in.
trap 'exit 130' INT TERM

tree=$1 branch=$2 art=$3
top=$(cd "$(dirname "$0")/.." && pwd)
fail=0

# The reverts happen in a work tree of the proofs' own next to <tree>, so
# that no other stage builds a tree with a fix reverted; scripts/kunit.sh
# names its build directory after it.
wt=$tree-prove
"$top/scripts/worktree.sh" "$tree" "$wt" "$branch"
while read -r line; do
	# subject|test file|cases|splat; the cases regex may contain '|'
	subject=${line%%|*} rest=${line#*|}
	testfile=${rest%%|*} rest=${rest#*|}
	cases=${rest%|*} splat=${rest##*|}
	# <test file>:<suite> when the file has more than one suite
	suite=${testfile#*:} testfile=${testfile%%:*}
	git -C "$wt" checkout -q -f --detach "$branch"
	if [[ $subject == mutant:* ]]; then
		mutant=$top/${subject#mutant:}
		if ! git -C "$wt" apply "$mutant"; then
			echo "FAIL: proof: $mutant does not apply at the tip"
			fail=1
			continue
		fi
		label=mutant-$(basename "$mutant" .diff)
	else
		c=$(git -C "$wt" log --format=%H --fixed-strings --grep="$subject" "base..$branch" | head -n1)
		if [ -z "$c" ]; then
			echo "FAIL: proof: no commit '$subject' in the series"
			fail=1
			continue
		fi
		if ! git -C "$wt" diff "$c^" "$c" -- . ":!$testfile" |
				git -C "$wt" apply -R --check 2>/dev/null; then
			git -C "$wt" checkout -q -f --detach "$c"
		fi
		git -C "$wt" diff "$c^" "$c" -- . ":!$testfile" | git -C "$wt" apply -R
		label=without-$(git -C "$wt" log -1 --format=%h "$c")
	fi
	[ "$suite" != "$testfile" ] ||
		suite=$(sed -n 's/^[[:space:]]*\.name = "\(.*\)",$/\1/p' "$wt/$testfile" | tail -n1)
	# The benchmark cases (speed slow) prove nothing here and take most of
	# a suite's time under TCG; make test runs them in kunit-um and
	# kunit-x86_64, make bench times them.
	KUNIT_SUITES=$suite KUNIT_FILTER=$suite KUNIT_ATTR='speed!=slow' \
		EXPECT_FAIL=$cases EXPECT_SPLAT=$splat \
		"$top/scripts/kunit.sh" "$wt" "$art" "$label" || fail=1
	git -C "$wt" checkout -q -f --detach "$branch"
done < <(grep -v '^[[:space:]]*\(#\|$\)' "$top/kunit/proofs")
exit "$fail"
