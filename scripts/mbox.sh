#!/usr/bin/env bash
# Write each posting as the mails that will be sent. A posting is a
# "# Part N:" block of `series` and its directory postings/partN/: the
# `posting` file (subject prefix, the v1 it follows, hand-picked Cc's) and,
# for a posting of more than one patch, cover.txt, mailed as written (its
# first line is the Subject; a line "@<file>.txt@" is replaced by that file
# of the same directory, which is generated (results.txt by results.sh,
# bench.txt by bench-table.sh), never edited by hand). Part 0 is
# one fix per tree: single mails, no cover. To/Cc come from
# get_maintainer.pl on the tree plus the posting's cc: lines; the cover goes
# to all of them. With "v1: <repo commit>" the cover ends with the
# range-diff against that commit's patches of the same part.
# The mails are written by SIGNER ("Name <email>", default: the project's
# placeholder identity of scripts/identity.sh): whoever sends signs with
# their own name; the placeholder's From: and Signed-off-by: lines become
# the signer's.
# Each posting must go through b4 am and apply to base on its own, or after
# the parts its posting file names in "depends:", giving the part's own
# changes (the same patch-id as in the series).
# Usage: mbox.sh <tree> <branch> <out>
set -euo pipefail
# Ctrl-C ends the loop, not just the build or run it is in.
trap 'exit 130' INT TERM

tree=$1 branch=$2 out=$3
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/identity.sh
. "$top/scripts/identity.sh"
export PATH="/usr/bin:$PATH"	# get_maintainer.pl wants the system perl modules
placeholder="$PROJECT_NAME <$PROJECT_EMAIL>"
signer=${SIGNER:-$placeholder}

rm -rf "$out"
mkdir -p "$out"
tip=$(git -C "$tree" rev-parse --short=12 "$branch")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The round trips apply the mails in a worktree of this stage's own next to
# <tree>, kept between runs: checking out a kernel tree afresh costs
# about 15 s.
wt=$tree-mbox
# shellcheck source=scripts/rcache.sh
. "$top/scripts/rcache.sh"

# part|first|last|title, from the "# Part N:" headers of a series file.
parts() {
	awk '/^# Part [0-9]+:/ { n = $3; sub(/:$/, "", n); t = $0; sub(/^# Part [0-9]+: */, "", t)
			title[n] = t; order[++np] = n; next }
		/^[0-9]/ { i++; if (np == 0) { print "none|" i "|" i "|"; next }
			cur = order[np]; if (!(cur in first)) first[cur] = i; last[cur] = i }
		END { for (k = 1; k <= np; k++) print order[k] "|" first[order[k]] "|" last[order[k]] "|" title[order[k]] }' "$1"
}
parts "$top/series" > "$tmp/parts"
cp "$tmp/parts" "$tmp/parts.deps"
if grep -q '^none|' "$tmp/parts"; then
	echo "FAIL: mbox: patches before the first '# Part N:' header of series belong to no posting"
	exit 1
fi

addrs() {	# <get_maintainer options...> <patch>: one comma-separated line
	(cd "$tree" && ./scripts/get_maintainer.pl --nogit --nogit-fallback \
		--norolestats "$@" 2>/dev/null) | paste -sd, | sed 's/,/, /g'
}
one_per_line() { printf '%s\n' "$@" | tr ',' '\n' | sed 's/^ *//; /^$/d' | sort -u; }
uniq_list() { one_per_line "$@" | paste -sd, | sed 's/,/, /g'; }
minus() {	# <list> <list>: the first without the addresses of the second
	comm -23 <(one_per_line "$1") <(one_per_line "$2") | paste -sd, | sed 's/,/, /g'
}
# Add To/Cc before the Subject of <patch>, unfold the Subject (b4 0.12
# cannot take a folded one) and put the signer in From: and Signed-off-by:.
finish_mail() {	# <patch> <to> <cc>
	awk -v to="$2" -v cc="$3" -v ph="$placeholder" -v sg="$signer" '
		hdr && subj && /^[ \t]/ { sub(/^[ \t]+/, " "); line = line $0; next }
		hdr && subj { print line; subj = 0 }
		hdr && /^Subject: / { print "To: " to; if (cc != "") print "Cc: " cc
			line = $0; subj = 1; next }
		hdr && $0 == "From: " ph { print "From: " sg; next }
		$0 == "Signed-off-by: " ph { print "Signed-off-by: " sg; next }
		/^$/ { hdr = 0 }
		{ print }' hdr=1 "$1" > "$1.tmp" && mv "$1.tmp" "$1"
}
key() { sed -n "s/^$1: *//p" "$2"; }

mapfile -t commits < <(git -C "$tree" rev-list --reverse "base..$branch")
fail=0
while IFS='|' read -r part first last title; do
	pdir=$top/postings/part$part dir=$out/part$part
	if [ ! -f "$pdir/posting" ]; then
		echo "FAIL: mbox: part $part ($title) has no postings/part$part/posting"
		fail=1
		continue
	fi
	mkdir -p "$dir"
	prefix=$(key prefix "$pdir/posting")
	n=$((last - first + 1))
	from=${commits[first - 1]} to_c=${commits[last - 1]}
	slug=$(echo "$prefix" | tr 'A-Z ' 'a-z-')
	pid="vfio-dma-series-$slug-part$part-0-$tip@example.org"
	if [ "$n" = 1 ] || [ "$part" = 0 ]; then
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
	hand=$(key cc "$pdir/posting" | paste -sd, | sed 's/,/, /g')
	for p in "${pp[@]}"; do
		to=$(addrs --nol --nor "$p")
		cc=$(addrs --nom "$p")
		[ -n "$to" ] || { echo "FAIL: mbox: get_maintainer.pl finds no maintainer for $(basename "$p")"; fail=1; }
		cc=$(minus "$(uniq_list "$cc" "$hand")" "$to")
		finish_mail "$p" "$to" "$cc"
		p_to+=("$to") p_cc+=("$cc")
	done
	if [ "$n" -gt 1 ] && [ "$part" != 0 ]; then
		cover=$pdir/cover.txt
		want="Subject: [$prefix 0/$n] "
		if [ ! -f "$cover" ] || [[ $(head -n1 "$cover") != "$want"* ]]; then
			echo "FAIL: mbox: part $part: postings/part$part/cover.txt must start with '$want'"
			fail=1
			continue
		fi
		missing=$(sed -n 's/^@\([a-z0-9-]*\.txt\)@$/\1/p' "$cover" |
			while read -r f; do [ -f "$pdir/$f" ] || echo "$f"; done
			grep '^@' "$cover" | grep -v '^@[a-z0-9-]*\.txt@$' || true)
		if [ -n "$missing" ]; then
			echo "FAIL: mbox: part $part: cover.txt includes ${missing//$'\n'/ } but postings/part$part/ has no such file"
			fail=1
			continue
		fi
		v1=$(key v1 "$pdir/posting")
		: > "$tmp/range-diff"
		if [ -n "$v1" ] && ! "$top/scripts/range-diff.sh" "$tree" "$v1" "$part" "$from^" "$to_c" \
				> "$tmp/range-diff"; then
			echo "FAIL: mbox: part $part: no range-diff against v1 ($v1)"
			fail=1
		fi
		{
			echo "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001"
			echo "From: $signer"
			echo "Date: $(date -R)"
			echo "Message-ID: <$pid>"
			echo "To: $(uniq_list "${p_to[@]}")"
			echo "Cc: $(minus "$(uniq_list "${p_cc[@]}")" "$(uniq_list "${p_to[@]}")")"
			head -n1 "$cover"
			echo "MIME-Version: 1.0"
			echo "Content-Type: text/plain; charset=UTF-8"
			echo "Content-Transfer-Encoding: 8bit"
			tail -n +2 "$cover" | awk -v d="$pdir" '
				/^@[a-z0-9-]*\.txt@$/ { f = d "/" substr($0, 2, length($0) - 2)
					while ((getline l < f) > 0) print l; close(f); next } { print }'
			cat "$tmp/range-diff"
			echo
			echo "base-commit: $(git -C "$tree" rev-parse base)"
		} > "$dir/0000-cover-letter.patch"
		pp=("$dir/0000-cover-letter.patch" "${pp[@]}")
	fi
	cat "${pp[@]}" > "$dir/posting.mbox"

	# b4 round trip of this posting alone, at base; the same mails were
	# taken before if their verdict is kept (scripts/rcache.sh).
	want=$(git -C "$tree" diff "$from^" "$to_c" | git -C "$tree" patch-id --stable)
	# The cover's text (its date, the e2e results) does not change the
	# round trip: its headers do.
	key=$(rkey @"$0" "$(for f in "$dir"/0*.patch; do
			if [ "${f##*/}" = 0000-cover-letter.patch ]; then sed '/^$/q' "$f" | grep -v '^Date: '
			else cat "$f"; fi; done | sha1sum)" "$(git -C "$tree" rev-parse 'base^{tree}')" \
		"$signer" "$want" "$n" "$part" "$(b4 --version 2>&1 | head -n1)" \
		"$(key depends "$pdir/posting")" "${commits[first - 2]:-}")
	if rget mbox-round-trip "$key" "$tmp/kept"; then
		rm -rf "$tmp/kept"
		echo "PASS: mbox: part $part ($prefix, ${#pp[@]} mails in $dir, signed by $signer): b4 am takes it, it applies to base (after the parts it depends on) and gives the part's diff (kept: the same mails passed before)"
		continue
	fi
	"$top/scripts/worktree.sh" --reset "$tree" "$wt" base
	rm -rf "$tmp/p" && mkdir "$tmp/p"
	# A posting that builds on other parts ("depends:" in its posting file,
	# said in its cover) is tried on base with their patches applied first.
	for d in $(key depends "$pdir/posting"); do
		IFS='|' read -r _ df dl _ < <(grep "^$d|" "$tmp/parts.deps")
		for ((i = df; i <= dl; i++)); do
			git -C "$tree" format-patch -q --stdout -1 "${commits[i - 1]}" |
				git -C "$wt" am -q --committer-date-is-author-date
		done
	done
	start=$(git -C "$wt" rev-parse HEAD)
	ok=1
	if [ "$n" = 1 ] || [ "$part" = 0 ]; then
		for p in "$dir"/0*.patch; do
			id=$(sed -n 's/^Message-ID: <\(.*\)>$/\1/Ip' "$p" | head -n1)
			(cd "$tree" && b4 -q am -C -m "$p" -o "$tmp/p" "$id") > "$tmp/b4.log" 2>&1 || ok=0
		done
	else
		(cd "$tree" && b4 -q am -C -m "$dir/posting.mbox" -o "$tmp/p" "$pid") > "$tmp/b4.log" 2>&1 || ok=0
	fi
	for m in "$tmp"/p/*.mbx; do
		[ -f "$m" ] && git -C "$wt" am -q "$m" > "$tmp/am.log" 2>&1 || ok=0
	done
	# patch-id: the same changes, whatever the line numbers of the hunks.
	got=$(git -C "$wt" diff "$start" HEAD | git -C "$tree" patch-id --stable)
	napplied=$(git -C "$wt" rev-list --count "$start..HEAD")
	sob=$(git -C "$wt" log --format=%b "$start..HEAD" | grep -c "^Signed-off-by: $signer\$" || true)
	if [ "$ok" = 1 ] && [ "$got" = "$want" ] && [ "$napplied" -eq "$n" ] && [ "$sob" -eq "$n" ]; then
		echo "PASS: mbox: part $part ($prefix, ${#pp[@]} mails in $dir, signed by $signer): b4 am takes it, it applies to base (after the parts it depends on) and gives the part's diff"
		rput mbox-round-trip "$key"
	else
		echo "FAIL: mbox: part $part: b4 am round trip ($napplied of $n patches applied, $sob signed by $signer, diff $([ "$got" = "$want" ] && echo equal || echo differs))"
		tail -3 "$tmp/b4.log" "$tmp/am.log" 2>/dev/null
		fail=1
	fi
done < "$tmp/parts"
exit "$fail"
