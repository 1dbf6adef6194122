#!/usr/bin/env bash
# Build make targets of the checked-out tree for one architecture, in an
# out-of-tree directory in the cache, with ccache, W=1 and sparse (C=1).
# CLEAN=1 removes what the targets left from an earlier build first, so
# that every target compiles (and prints its warnings) again.
# Usage: build.sh <tree> <x86_64|s390x|arm64|um> <log> <make targets...>
set -euo pipefail

tree=$1 arch=$2 log=$3
shift 3
top=$(cd "$(dirname "$0")/.." && pwd)
sparse=$("$top/scripts/get-sparse.sh" "$tree")
out=${CACHE:?}/build/$(basename "$tree")-$arch
mkdir -p "$out"

case $arch in
x86_64)	mk=(ARCH=x86_64) cc=gcc defcfg=x86_64_defconfig ;;
s390x)	mk=(ARCH=s390 CROSS_COMPILE=s390x-linux-gnu-) cc=s390x-linux-gnu-gcc defcfg=defconfig ;;
arm64)	mk=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-) cc=aarch64-linux-gnu-gcc defcfg=defconfig ;;
um)	mk=(ARCH=um SUBARCH=x86_64) cc=gcc defcfg=defconfig ;;
*)	echo "build: unknown arch $arch" >&2; exit 1 ;;
esac
mk=(-C "$tree" O="$out" "${mk[@]}" CC="ccache $cc")

# The fragment may name symbols a given patch adds: merge it at every call.
# A changed fragment starts again from the defconfig, so that a line taken
# out of it is out of the config too.
if [ ! -f "$out/.config" ] || ! cmp -s "$top/kernel-config/$arch.config" "$out/fragment.used"; then
	make -s "${mk[@]}" "$defcfg" >/dev/null
	cp "$top/kernel-config/$arch.config" "$out/fragment.used"
fi
"$tree/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
	"$top/kernel-config/$arch.config" >/dev/null
make -s "${mk[@]}" olddefconfig >/dev/null

if [ "${CLEAN:-0}" = 1 ]; then
	for t; do rm -rf "${out:?}/${t%/}"; done
fi
make "${mk[@]}" -j"$(nproc)" W=1 C=1 CHECK="$sparse" "$@" > "$log" 2>&1
if grep -q 'specified, but .* is not available' "$log"; then
	echo "build: kbuild dropped C=1: $sparse cannot check this tree" >&2
	exit 1
fi
