#!/usr/bin/env bash
# The e2e judge's own tests: run scripts/e2e-judge.sh on each fixture under
# e2e/fixtures (guest logs cut down to what a verdict depends on, among
# them the failures seen in CI) and compare its verdict lines (PASS, FAIL,
# SKIP, NOT RUN, BASE ONLY), and whether it would keep each guest's logs
# (KEPT, NOT KEPT), with the fixture's "expect" file.
# Usage: e2e-judge-test.sh
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in "$top"/e2e/fixtures/*/; do
	name=$(basename "$f")
	rm -rf "$tmp/art"
	cp -r "$f" "$tmp/art"
	if ! E2E_TIMING=0 "$top/scripts/e2e-judge.sh" "$tmp/art" > "$tmp/out" 2>&1; then
		echo "FAIL: e2e-judge: fixture $name: the judge failed"
		sed 's/^/  /' "$tmp/out" | tail -5
		continue
	fi
	# Which guest's logs scripts/e2e.sh would keep for a later run
	for g in base patched; do
		if "$top/scripts/e2e-judge.sh" --keep "$tmp/art/$g"; then
			echo "KEPT: $g"
		else
			echo "NOT KEPT: $g"
		fi >> "$tmp/out"
	done
	if grep -E '^(PASS|FAIL|SKIP|NOT RUN|BASE ONLY|KEPT|NOT KEPT):' "$tmp/out" | sed "s|$tmp/art|ART|g" |
		diff - "$f/expect" > "$tmp/diff"; then
		echo "PASS: e2e-judge: fixture $name"
	else
		echo "FAIL: e2e-judge: fixture $name (< judge, > expected)"
		sed 's/^/  /' "$tmp/diff"
	fi
done
