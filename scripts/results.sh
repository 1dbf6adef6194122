#!/usr/bin/env bash
# Write postings/partN/results.txt for each posting whose `posting` file
# names e2e programs ("results: <program>..."): per program and device,
# the cases passed on the patched and the base kernel of this e2e run
# (make test or make e2e), the cases base fails per variant, and the
# bar-map timing table of the last e2e run that measured it (make e2e, or
# make test E2E_TIMING=1; postings/partN/timing.txt, with its commit). The
# cover includes it where it says @results.txt@ (scripts/mbox.sh), so the
# numbers mailed are the numbers measured.
# Usage: results.sh <artifacts>
set -euo pipefail

art=$1/e2e
top=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$art/cases.txt" ] || { echo "FAIL: results: no $art/cases.txt (run make e2e)"; exit 1; }
for posting in "$top"/postings/*/posting; do
	progs=$(sed -n 's/^results: *//p' "$posting")
	[ -n "$progs" ] || continue
	out=$(dirname "$posting")/results.txt
	{
		what="make test's e2e stage"
		[ -f "$art/timing.txt" ] && what="e2e run with bar-map timing"
		echo "  $what at repo commit $(git -C "$top" rev-parse --short HEAD), $(date -u -r "$art/cases.txt" +%F):"
		for prog in $progs; do
			# "<verdict>: e2e vfio.<prog>.<bdf>/<case>... (base: <result>)"
			sed -n "s/^\([A-Z ]*\): e2e vfio\.$prog\.\([^/]*\)\/\([^ :]*\).*(base: \([a-z]*\))$/\2 \3 \1 \4/p" \
				"$art/cases.txt" | sort > "$art/results-$prog"
			cut -d' ' -f1 "$art/results-$prog" | sort -u | while read -r dev; do
				echo "  $prog ($dev)"
				# Base failures per variant (fixture.variant.case), sorted
				awk -v d="$dev" '$1 == d { n++; if ($3 == "PASS") pp++; if ($3 == "SKIP") ps++
						if ($4 == "ok") bp++; else if ($4 == "skip") bs++
						else { k = split($2, w, "."); v = k > 2 ? " (" w[k - 1] ")" : ""
							if (!(v in bf)) vs[++nv] = v
							bf[v] = bf[v] (bf[v] == "" ? "" : ", ") w[k] } }
					END { printf "    patched %d/%d passed%s; base %d/%d passed%s\n", pp, n,
							ps ? ", " ps " skipped" : "", bp, n, bs ? ", " bs " skipped" : ""
						for (i = 1; i <= nv; i++) print "    base fails" vs[i] ": " bf[vs[i]] }' "$art/results-$prog" |
					fmt -s -w 72 | sed 's/^\([^ ]\)/      \1/'
			done
		done
	} > "$out"
	# The bar-map table of the last make e2e stays in timing.txt, with
	# the commit it was measured at, until a make e2e replaces it.
	timing=$(dirname "$posting")/timing.txt
	if [ -f "$art/timing.txt" ]; then
		{
			echo
			echo "  bar-map (e2e run at repo commit $(git -C "$top" rev-parse --short HEAD)," \
				"$(date -u -r "$art/timing.txt" +%F)), 1 GiB ivshmem BAR, best of 3,"
			echo "  microseconds, base and patched in one run:"
			sed 's/^/  /' "$art/timing.txt"
		} > "$timing"
	fi
	[ ! -f "$timing" ] || cat "$timing" >> "$out"
	echo "PASS: results: $out ($(wc -l < "$out") lines)"
done
