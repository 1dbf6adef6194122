#!/usr/bin/env bash
# The series on a second tree, so that it is not tied to one point release:
# Debian's linux-source-7.2 (sid). Each patch is applied with git am; one
# that is listed in $skip has a known reason not to apply there (see
# MAINTAINERS-notes). The applied patches are then built one by one for
# x86_64 (with the GVT objects), as bisect-build.sh does on the default
# tree: W=1 and sparse, no warning the base did not have. Not the vfio
# selftests: 7.2.13's own do not build (lib/vfio_pci_device.c calls
# calloc_assert(), which its libvfio.h does not have).
# Usage: second-tree.sh <series> <artifacts>
set -euo pipefail

series=$1 art=$2/tree2
here=$(cd "$(dirname "$0")" && pwd)
tree=$CACHE/linux-7.2
# 0002 fixes a bug that came with 7.3: 7.2 does not have it.
skip=" 0002 "
mkdir -p "$art"

DEB_PKG=linux-source-7.2 DEB_VER=7.2.13-1 DEB_SUITE=sid KSRC='' \
	"$here/prepare-tree.sh" "$tree" > "$art/prepare.log" 2>&1 ||
	{ echo "FAIL: tree2: linux-source-7.2 not prepared; see $art/prepare.log"; exit 1; }
git -C "$tree" checkout -q -f -B series base

: > "$art/am.log"
while read -r p; do
	n=${p%%-*}
	if [[ $skip == *" $n "* ]]; then
		echo "tree2: $n left out on 7.2 (MAINTAINERS-notes says why)"
	elif git -C "$tree" am -q -3 "$here/../patches/$p" >> "$art/am.log" 2>&1; then
		echo "PASS: tree2: $n applies to 7.2.13"
	else
		echo "FAIL: tree2: $n does not apply to 7.2.13; see $art/am.log"
		git -C "$tree" am --abort
	fi
done < <(grep '^[0-9]' "$series")

ARCHES=x86_64 "$here/bisect-build.sh" "$tree" series "$art/build" |
	sed 's/^\(PASS\|FAIL\): /\1: tree2: /'
