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
all_to=() all_cc=()
for p in "${patches[@]}"; do
	to=$(addrs --nol --nor "$p")
	cc=$(addrs --nom "$p")
	[ -n "$to" ] || { echo "FAIL: mbox: get_maintainer.pl finds no maintainer for $(basename "$p")"; exit 1; }
	# Add To/Cc before the Subject, and unfold the Subject (b4 0.12 cannot
	# take a folded one).
	awk -v to="$to" -v cc="$cc" '
		hdr && subj && /^[ \t]/ { sub(/^[ \t]+/, " "); line = line $0; next }
		hdr && subj { print line; subj = 0 }
		hdr && /^Subject: / { print "To: " to; if (cc != "") print "Cc: " cc
			line = $0; subj = 1; next }
		/^$/ { hdr = 0 }
		{ print }' hdr=1 "$p" > "$p.tmp" && mv "$p.tmp" "$p"
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
