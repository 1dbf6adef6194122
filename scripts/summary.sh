#!/usr/bin/env bash
# Print where the time went and the closing "N passed, N failed" line over all
# checks of the run; exit 1 if any check failed. Usage: summary.sh <artifacts>
set -euo pipefail

art=$1
echo
printf '%-14s %6s %7s %7s\n' stage seconds passed failed
awk -F'\t' '{ printf "%-14s %6d %7d %7d\n", $1, $2, $3, $4; t += $2 }
	END { printf "%-14s %6d\n", "total", t }' "$art/stages.tsv"
for f in "$art"/kunit-*.ktap; do
	[ -f "$f" ] && echo "KTAP log: $f"
done
for f in "$art"/kunit-*.ktap; do
	[ -f "$f" ] || continue
	grep -h 'iopf_report:\|iopf_detach:\|type1_pin:\|type1_pin_one:' "$f" |
		sed "s/^.*# [a-z0-9_]*: /benchmark ($(basename "$f" .ktap)): /" || true
done
grep -h '^PASS: bench' "$art"/stage-bench.log 2>/dev/null | sed 's/^PASS: //' || true
read -r p f < <(awk -F'\t' '{ p += $3; f += $4 } END { print p + 0, f + 0 }' "$art/stages.tsv")
echo "$p passed, $f failed"
[ "$f" -eq 0 ]
