#!/usr/bin/env bash
# Fetch Debian's linux-source-7.3 (the series' default base) into the cache,
# sha256-checked; prints "<deb path> <sha256> <version>".
# Uses a private apt configuration so the machine's apt setup is never touched.
set -euo pipefail

cache=${CACHE:?CACHE not set}
pkg=${DEB_PKG:-linux-source-7.3}
ver=${DEB_VER:-7.3.4-1~bpo13+1}
suite=${DEB_SUITE:-trixie-backports}
mkdir -p "$cache/dl"
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/apt-private.sh
. "$here/apt-private.sh"

die() { echo "get-tree: $*" >&2; exit 1; }

apt_private "$suite" || exit 1
uri=$apt_uri
aptopts=("${apt_opts[@]}")

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
