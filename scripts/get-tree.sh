#!/usr/bin/env bash
# Fetch Debian's linux-source-7.3 (the series' default base) into the cache,
# sha256-checked, and print the path of the extracted tarball.
# Uses a private apt configuration so the machine's apt setup is never touched.
set -euo pipefail

cache=${CACHE:?CACHE not set}
pkg=${DEB_PKG:-linux-source-7.3}
ver=${DEB_VER:-7.3.4-1~bpo13+1}
suite=${DEB_SUITE:-trixie-backports}
apt=$cache/apt
mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$cache/dl"

die() { echo "get-tree: $*" >&2; exit 1; }

# The archive URI is the one the machine already uses for its bookworm suites.
archive_uri() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk 'BEGIN{RS=""; FS="\n"}
		     /(^|\n)Suites:[^\n]*bookworm( |\n|$)/ && !/Enabled: *no/ {
			for (i = 1; i <= NF; i++)
				if ($i ~ /^URIs:/) { sub(/^URIs: */, "", $i); split($i, u, " "); print u[1]; exit }
		     }' "$f"
	done
	if [ -r /etc/apt/sources.list ]; then
		awk '$1 == "deb" && $0 ~ / bookworm / { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; exit } }' \
			/etc/apt/sources.list
	fi
}
uri=$(archive_uri | head -n1)
[ -n "$uri" ] || die "no apt source serving bookworm found in /etc/apt; cannot derive the archive URI"

echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $suite main" > "$apt/sources.list"
aptopts=(-o "Dir::Etc::sourcelist=$apt/sources.list" -o Dir::Etc::sourceparts=/nonexistent
	 -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt" -o "Dir::Cache::archives=$apt/archives"
	 -o Debug::NoLocking=1 -o APT::Sandbox::User=root -o APT::Get::List-Cleanup=0)

update() { apt-get "${aptopts[@]}" -qq update >&2; }
field() { apt-cache "${aptopts[@]}" show "$pkg=$1" 2>/dev/null | awk -v f="$2" '$1 == f":" { print $2; exit }'; }

if [ -z "$(field "$ver" Version)" ]; then
	update || update || die "apt-get update failed for $uri $suite"
fi
if [ -z "$(field "$ver" Version)" ]; then
	newest=$(apt-cache "${aptopts[@]}" madison "$pkg" 2>/dev/null | awk '{ print $3 }' | sort -V | tail -n1)
	[ -n "$newest" ] || die "$pkg is not offered by $uri $suite"
	echo "get-tree: WARNING: $pkg $ver is gone from $suite; FALLING BACK to $newest" >&2
	ver=$newest
fi
sha=$(field "$ver" SHA256)
file=$(field "$ver" Filename)
deb=$cache/dl/$(basename "$file")

fetch() {
	rm -f "$deb"
	(cd "$cache/dl" && apt-get "${aptopts[@]}" -qq download "$pkg=$ver" >&2) || return 1
	mv -f "$cache/dl/$(basename "$file" | sed 's/%3a/:/g')" "$deb" 2>/dev/null || true
	echo "$sha  $deb" | sha256sum -c --quiet - >&2
}
if ! { [ -f "$deb" ] && echo "$sha  $deb" | sha256sum -c --quiet - >/dev/null 2>&1; }; then
	fetch || { echo "get-tree: download failed or checksum mismatch, retrying once" >&2; fetch; } ||
		die "cannot get $uri/$file with sha256 $sha"
fi
echo "$deb $sha $ver"
