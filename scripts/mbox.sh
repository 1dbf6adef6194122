#!/usr/bin/env bash
# Write the series as mails ready for git send-email or b4: the cover letter
# (cover-letter.txt) first, then each patch threaded under it, with To: (the
# maintainers) and Cc: (reviewers and lists) from get_maintainer.pl on the
# tree; the cover goes to all of them. One file per mail in <out>/, and all
# of them in <out>/series.mbox. Then check that b4 takes the mbox: b4 am,
# applied to the base, must give the tree of <branch>.
# Usage: mbox.sh <tree> <branch> <out>
set -euo pipefail

tree=$1 branch=$2 out=$3
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/identity.sh
. "$top/scripts/identity.sh"
export PATH="/usr/bin:$PATH"	# get_maintainer.pl wants the system perl modules

rm -rf "$out"
mkdir -p "$out"
tip=$(git -C "$tree" rev-parse --short=12 "$branch")
cover_id="vfio-dma-series-v1-0-$tip@example.org"
git -C "$tree" format-patch -q --zero-commit --no-signature --no-base \
	--thread=shallow --in-reply-to="<$cover_id>" -o "$out" "base..$branch"
mapfile -t patches < <(find "$out" -name '0*.patch' | sort)

addrs() {	# <get_maintainer options...> <patch>: one comma-separated line
	(cd "$tree" && ./scripts/get_maintainer.pl --nogit --nogit-fallback \
		--norolestats "$@" 2>/dev/null) | paste -sd, | sed 's/,/, /g'
}
# Add To/Cc before the Subject of <patch>, and unfold the Subject (b4 0.12
# cannot take a folded one).
add_to_cc() {	# <patch> <to> <cc>
	awk -v to="$2" -v cc="$3" '
		hdr && subj && /^[ \t]/ { sub(/^[ \t]+/, " "); line = line $0; next }
		hdr && subj { print line; subj = 0 }
		hdr && /^Subject: / { print "To: " to; if (cc != "") print "Cc: " cc
			line = $0; subj = 1; next }
		/^$/ { hdr = 0 }
		{ print }' hdr=1 "$1" > "$1.tmp" && mv "$1.tmp" "$1"
}
all_to=() all_cc=()
for p in "${patches[@]}"; do
	to=$(addrs --nol --nor "$p")
	cc=$(addrs --nom "$p")
	[ -n "$to" ] || { echo "FAIL: mbox: get_maintainer.pl finds no maintainer for $(basename "$p")"; exit 1; }
	add_to_cc "$p" "$to" "$cc"
	all_to+=("$to") all_cc+=("$cc")
	echo "PASS: mbox: $(basename "$p"): To: $to${cc:+; Cc: $cc}"
done

uniq_list() { printf '%s\n' "$@" | tr ',' '\n' | sed 's/^ *//; /^$/d' | sort -u | paste -sd, | sed 's/,/, /g'; }
cover=$out/0000-cover-letter.patch
{
	echo "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001"
	echo "From: $GIT_AUTHOR_NAME <$GIT_AUTHOR_EMAIL>"
	echo "Date: $(date -R)"
	echo "Message-ID: <$cover_id>"
	echo "To: $(uniq_list "${all_to[@]}")"
	echo "Cc: $(uniq_list "${all_cc[@]}")"
	head -n1 "$top/cover-letter.txt"
	echo "MIME-Version: 1.0"
	echo "Content-Type: text/plain; charset=UTF-8"
	echo "Content-Transfer-Encoding: 8bit"
	tail -n +2 "$top/cover-letter.txt"
	echo
	echo "base-commit: $(git -C "$tree" rev-parse base)"
} > "$cover"
grep -q '^Subject: \[PATCH 0/' "$cover" ||
	{ echo "FAIL: mbox: cover-letter.txt does not start with 'Subject: [PATCH 0/N]'"; exit 1; }
cat "$cover" "${patches[@]}" > "$out/series.mbox"
echo "PASS: mbox: $out/series.mbox: cover letter and ${#patches[@]} patches, threaded under <$cover_id>"

# b4 round trip, in a scratch work tree at base.
tmp=$(mktemp -d)
trap 'git -C "$tree" worktree remove --force "$tmp/wt" 2>/dev/null || true; rm -rf "$tmp"' EXIT
(cd "$tree" && b4 -q am -C -m "$out/series.mbox" -o "$tmp" "$cover_id") > "$tmp/b4.log" 2>&1 ||
	{ echo "FAIL: mbox: b4 am does not take the mbox:"; tail -5 "$tmp/b4.log"; exit 1; }
mbx=$(find "$tmp" -maxdepth 1 -name '*.mbx' | head -n1)
[ -n "$mbx" ] || { echo "FAIL: mbox: b4 am wrote no mbox"; tail -5 "$tmp/b4.log"; exit 1; }
git -C "$tree" worktree add -q --detach "$tmp/wt" base
git -C "$tmp/wt" am -q "$mbx" > "$tmp/am.log" 2>&1 ||
	{ echo "FAIL: mbox: b4's mbox does not apply to base:"; tail -5 "$tmp/am.log"; exit 1; }
got=$(git -C "$tmp/wt" rev-parse 'HEAD^{tree}') want=$(git -C "$tree" rev-parse "$branch^{tree}")
n=$(git -C "$tmp/wt" rev-list --count base..HEAD)
if [ "$got" = "$want" ]; then
	echo "PASS: mbox: b4 am takes all $n patches; applied to base they give the series' tree ($got)"
else
	echo "FAIL: mbox: b4 am round trip gives tree $got, the series has $want"
	exit 1
fi

# The postings: each "# Part N: title (tree...)" block of the series file is
# posted on its own, so it gets its own thread in <out>/part<N>/, numbered
# 1/k, RFC in the prefix if the title says RFC, with a cover made of the
# whole cover letter's "Part N:" sections and that part's entries of
# "Patches". Part 0 is one fix per tree: single mails, no cover. Each
# posting must go through b4 am and apply to base on its own, giving the
# part's own changes (same patch-id as in the series).
mapfile -t commits < <(git -C "$tree" rev-list --reverse "base..$branch")
awk '/^# Part [0-9]+:/ { n = $3; sub(/:$/, "", n); t = $0; sub(/^# Part [0-9]+: */, "", t)
		title[n] = t; order[++np] = n; next }
	/^[0-9]/ { i++; if (np == 0) next; cur = order[np]
		if (!(cur in first)) first[cur] = i; last[cur] = i }
	END { for (k = 1; k <= np; k++) print order[k] "|" first[order[k]] "|" last[order[k]] "|" title[order[k]] }' \
	"$top/series" > "$tmp/parts"
whole=$(sed -n '1s/^Subject: \[[^]]*\] *//p' "$top/cover-letter.txt")

part_cover() {	# <part> <first> <last> <prefix> <title>: the cover's body
	awk -v part="$1" -v first="$2" -v last="$3" -v whole="$whole" -v title="$5" '
		{ l[NR] = $0 }
		END {
			sub(/ *\(.*$/, "", title)
			for (i = 1; i < NR; i++)
				if (l[i] != "" && l[i + 1] ~ /^-+$/) sec[i] = l[i]
			print "This is Part " part " of the series"
			print "\"" whole "\","
			print "which is posted in parts. This part: " title "."
			print "It applies on its own to the base-commit below. The text numbers"
			print "patches as the whole series does: patches " first "-" last " there are"
			print "1-" last - first + 1 " of this posting."
			for (i = 1; i <= NR; i++) {
				if (i in sec) { cur = sec[i]; if (keep) print ""; keep = 0 }
				if (i in sec && cur ~ "^Part " part ":") { keep = 1; print ""; }
				if (i in sec && cur == "Patches") { print ""; print "Patches"; print "-------"; print ""; i++; continue }
				if (keep) { print l[i]; continue }
				if (cur == "Patches" && l[i] ~ /^\[[0-9]+\/[0-9]+\]/) {
					n = l[i]; sub(/^\[/, "", n); sub(/\/.*/, "", n); n += 0
					pe = (n >= first && n <= last)
					if (pe) { sub(/^\[[0-9]+\/[0-9]+\]/, "[" n - first + 1 "/" last - first + 1 "]", l[i]) }
				} else if (cur != "Patches") pe = 0
				if (pe) print l[i]
				if (l[i] ~ /^\[[0-9]+\] https:/) print l[i]
			}
		}' "$top/cover-letter.txt"
}

while IFS='|' read -r part first last title; do
	dir=$out/part$part
	mkdir -p "$dir"
	prefix=PATCH
	[[ $title == *RFC* ]] && prefix="RFC PATCH"
	from=${commits[first - 1]} to_c=${commits[last - 1]}
	pid="vfio-dma-series-v1-part$part-0-$tip@example.org"
	if [ "$part" = 0 ]; then
		for ((i = first; i <= last; i++)); do
			git -C "$tree" format-patch -q --zero-commit --no-signature --no-base \
				--subject-prefix="$prefix" --thread -o "$dir" -1 "${commits[i - 1]}"
		done
	else
		git -C "$tree" format-patch -q --zero-commit --no-signature --no-base \
			--subject-prefix="$prefix" --thread=shallow --in-reply-to="<$pid>" \
			-o "$dir" "$from^..$to_c"
	fi
	mapfile -t pp < <(find "$dir" -name '0*.patch' | sort)
	p_to=() p_cc=()
	for p in "${pp[@]}"; do
		to=$(addrs --nol --nor "$p")
		cc=$(addrs --nom "$p")
		add_to_cc "$p" "$to" "$cc"
		p_to+=("$to") p_cc+=("$cc")
	done
	if [ "$part" != 0 ]; then
		{
			echo "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001"
			echo "From: $GIT_AUTHOR_NAME <$GIT_AUTHOR_EMAIL>"
			echo "Date: $(date -R)"
			echo "Message-ID: <$pid>"
			echo "To: $(uniq_list "${p_to[@]}")"
			echo "Cc: $(uniq_list "${p_cc[@]}")"
			echo "Subject: [$prefix 0/${#pp[@]}] ${title% (*}"
			echo "MIME-Version: 1.0"
			echo "Content-Type: text/plain; charset=UTF-8"
			echo "Content-Transfer-Encoding: 8bit"
			echo
			part_cover "$part" "$first" "$last" "$prefix" "$title" | cat -s
			echo
			echo "base-commit: $(git -C "$tree" rev-parse base)"
		} > "$dir/0000-cover-letter.patch"
		pp=("$dir/0000-cover-letter.patch" "${pp[@]}")
	fi
	cat "${pp[@]}" > "$dir/posting.mbox"

	# b4 round trip of this posting alone, at base.
	rm -rf "$tmp/p" && mkdir "$tmp/p"
	git -C "$tmp/wt" checkout -q --detach base
	ok=1
	if [ "$part" = 0 ]; then
		for p in "$dir"/0*.patch; do
			id=$(sed -n 's/^Message-ID: <\(.*\)>$/\1/Ip' "$p" | head -n1)
			(cd "$tree" && b4 -q am -C -m "$p" -o "$tmp/p" "$id") > "$tmp/b4.log" 2>&1 || ok=0
		done
	else
		(cd "$tree" && b4 -q am -C -m "$dir/posting.mbox" -o "$tmp/p" "$pid") > "$tmp/b4.log" 2>&1 || ok=0
	fi
	for m in "$tmp"/p/*.mbx; do
		[ -f "$m" ] && git -C "$tmp/wt" am -q "$m" > "$tmp/am.log" 2>&1 || ok=0
	done
	# patch-id: the same changes, whatever the line numbers of the hunks.
	got=$(git -C "$tmp/wt" diff base HEAD | git -C "$tree" patch-id --stable)
	want=$(git -C "$tree" diff "$from^" "$to_c" | git -C "$tree" patch-id --stable)
	n=$(git -C "$tmp/wt" rev-list --count base..HEAD)
	if [ "$ok" = 1 ] && [ "$got" = "$want" ] && [ "$n" -eq $((last - first + 1)) ]; then
		echo "PASS: mbox: part $part ($prefix, ${#pp[@]} mails in $dir): b4 am takes it, it applies to base alone and gives the part's diff"
	else
		echo "FAIL: mbox: part $part: b4 am round trip ($n of $((last - first + 1)) patches applied, diff $([ "$got" = "$want" ] && echo equal || echo differs))"
		tail -3 "$tmp/b4.log" "$tmp/am.log" 2>/dev/null
	fi
done < "$tmp/parts"
