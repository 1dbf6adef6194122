#!/usr/bin/env bash
# Build tools/testing/selftests/<dir> of the checked-out tree against its own
# exported uapi headers, out of tree in the cache.
# Usage: selftests-build.sh <tree> <log> <dir...>
set -euo pipefail

tree=$1 log=$2
shift 2
out=${CACHE:?}/build/$(basename "$tree")-selftests
hdr=$out/usr
mkdir -p "$out"
{
	make -s -C "$tree" O="$out/hdrbuild" ARCH=x86_64 headers_install INSTALL_HDR_PATH="$hdr"
	for d in "$@"; do
		mkdir -p "$out/$d"
		make -C "$tree/tools/testing/selftests/$d" -j"$(nproc)" \
			OUTPUT="$out/$d" KHDR_INCLUDES="-isystem $hdr/include"
	done
} > "$log" 2>&1
