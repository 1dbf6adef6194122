#!/usr/bin/env bash
# Write postings/partN/bench.txt for each posting whose `posting` file has
# a line "bench: <kernels> | <cases>": the figures of the last make bench
# (<artifacts>/bench/<kernel>.<arch>.<boot>) for those kernels of
# kunit/bench and those benchmark cases, per arch the lowest over the
# boots and their median (of a ratio, the median only). The lowest leads:
# the host's noise only adds time, and UML boots of one kernel come in two
# speeds about 2x apart. The cover includes it where it says @bench.txt@
# (scripts/mbox.sh), so the numbers mailed are the numbers measured.
# Usage: bench-table.sh <artifacts>
set -euo pipefail

dir=$1/bench
top=$(cd "$(dirname "$0")/.." && pwd)
[ -d "$dir" ] || { echo "FAIL: bench-table: no $dir (run make bench)"; exit 1; }

# One boot's figures as "<case> <row> <value>" lines.
figures() {
	sed -nE '
	s/^iopf_report: .* best ([0-9]+) ns\/fault.*/iopf_report fault_report_(ns) \1/p
	s/^iopf_detach: .*without a fault handler best ([0-9]+) ns.*with one best ([0-9]+) ns.*/iopf_detach attach+detach_(ns) \1\niopf_detach attach+detach,_handler_set_(ns) \2/p
	s/^type1_pin: .*per-page ([0-9]+) us.*one call ([0-9]+) us.*ratio ([0-9.]+).*/type1_pin 512_pages,_a_page_per_call_(us) \1\ntype1_pin 512_pages_in_one_call_(us) \2\ntype1_pin ratio_of_the_two \3/p
	s/^type1_pin_one: .*best of [0-9]+: pin ([0-9]+) ns, unpin ([0-9]+) ns.*/type1_pin_one one_page:_pin_(ns) \1\ntype1_pin_one one_page:_unpin_(ns) \2/p' "$1"
}

for posting in "$top"/postings/*/posting; do
	line=$(sed -n 's/^bench: *//p' "$posting")
	[ -n "$line" ] || continue
	read -ra kernels <<< "${line%%|*}"
	read -ra cases <<< "${line#*|}"
	txt=$(dirname "$posting")/bench.txt
	boots=$(find "$dir" -name "${kernels[0]}.um.*" | wc -l)
	for k in "${kernels[@]}"; do
		for arch in x86_64 um; do
			for f in "$dir/$k.$arch".*; do
				[ -s "$f" ] || { echo "FAIL: bench-table: no figures for $k on $arch in $dir"; exit 1; }
				figures "$f" | sed "s/^/$k $arch /"
			done
		done
	done > "$dir/all"
	{
		read -r commit day < "$dir/measured"
		echo "  make bench at repo commit $commit, $day: kernels"
		echo "  without lockdep or KASAN, each booted $boots times, the kernels taking"
		echo "  turns; per boot the best of the case's rounds; the lowest of the"
		echo "  boots and (in brackets) their median; of a ratio, the median of the"
		echo "  boots' own:"
		echo
		printf '  %-36s' ""
		printf '%-14s' "${kernels[@]}"
		echo
		for arch in x86_64 um; do
			for c in "${cases[@]}"; do
				rows=$(awk -v c="$c" '$3 == c { print $4 }' "$dir/all" | awk '!s[$0]++')
				[ -n "$rows" ] || { echo "FAIL: bench-table: no $c figures in $dir" >&2; exit 1; }
				for row in $rows; do
					label="$([ "$arch" = um ] && echo UML || echo TCG) ${row//_/ }"
					printf '  %-36s' "$label"
					for k in "${kernels[@]}"; do
						awk -v k="$k" -v a="$arch" -v c="$c" -v r="$row" \
							'$1 == k && $2 == a && $3 == c && $4 == r { print $5 }' "$dir/all" |
							sort -g | awk -v n="$boots" -v what="$k $arch $row" -v ratio="$([[ $row == ratio* ]] && echo 1 || echo 0)" '{ v[NR] = $1 } END {
								if (NR != n) { print "FAIL: bench-table: " NR " of " n " boots for " what > "/dev/stderr"; exit 1 }
								m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
								# A ratio has no "lowest": the lowest is the boot
								# with the worst ratio. Its median only.
								printf "%-14s", ratio ? sprintf("%g", m) : sprintf("%g (%g)", v[1], m) }'
					done
					echo
				done
			done
		done
	} | sed 's/ *$//' > "$txt"
	echo "PASS: bench-table: $txt ($(wc -l < "$txt") lines)"
done
