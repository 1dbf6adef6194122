#!/usr/bin/env bash
# Run one pipeline stage, log it, time it and count its checks: each
# "PASS:"/"FAIL:" line the command prints is one check; a command that prints
# none counts as one check, passed if it exits 0.
# -c: a critical stage (tree, apply): if it fails, print the summary and
# stop the run, since every later stage would fail for the same reason.
# -n: a check stage: printing no PASS/FAIL line at all is a failure.
# Usage: stage.sh <artifacts> [-c|-n] <name> <command...>  (name "start" resets)
set -uo pipefail

art=$1
shift
critical=0 checks=0
case $1 in
-c)	critical=1; shift ;;
-n)	checks=1; shift ;;
esac
name=$1
shift
mkdir -p "$art"
if [ "$name" = start ]; then
	rm -f "$art"/stage-*.log "$art"/kunit-*
	: > "$art/stages.tsv"
	exit 0
fi
log=$art/stage-$name.log
# Ctrl-C (SIGINT to the whole run) ends the run once the stage's command
# has returned, whatever that command makes of the signal.
trap 'echo "    $name: interrupted"; exit 130' INT TERM
printf '==> %s\n' "$name"
t0=$(date +%s)
"$@" 2>&1 | tee "$log" | { grep -E '^(FAIL|  )|^[a-z-]+: '; true; }
rc=${PIPESTATUS[0]}
t=$(( $(date +%s) - t0 ))
pass=$(grep -c '^PASS:' "$log")
fail=$(grep -c '^FAIL:' "$log")
if [ "$pass" -eq 0 ] && [ "$fail" -eq 0 ]; then
	if [ "$rc" -eq 0 ] && [ "$checks" = 0 ]; then
		pass=1
	else
		fail=1
		grep -qE '^(FAIL|  )|^[a-z-]+: ' "$log" || tail -5 "$log"
	fi
elif [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
	fail=1
fi
printf '%s\t%s\t%s\t%s\n' "$name" "$t" "$pass" "$fail" >> "$art/stages.tsv"
printf '    %s: %d passed, %d failed, %ds (log %s)\n' "$name" "$pass" "$fail" "$t" "$log"
if [ "$critical" = 1 ] && [ "$fail" -ne 0 ]; then
	"$(dirname "$0")/summary.sh" "$art"
	exit 1
fi
