#!/usr/bin/env bash
# Install the Debian packages a target needs: "kunit" (make: build and run
# the KUnit suites) or "all" (make test: checkers, cross compilers, QEMU,
# virtme-ng, b4). Runs apt-get only when something is missing, so warm runs
# cost nothing and need no root. Without dpkg (another distribution) it
# only checks the commands and names the Debian package of the first one
# missing. virtme-ng is not in bookworm: its trixie package (arch all) is
# fetched through the private apt configuration and installed with dpkg
# after its dependencies, which bookworm has.
# Usage: deps.sh [kunit|all]
set -euo pipefail

# package:command (empty command: a library or module, checked by dpkg only)
kunit=(bc:bc bison:bison flex:flex libelf-dev: libssl-dev: python3:python3
       qemu-system-x86:qemu-system-x86_64 git:git make:make gcc:gcc perl:perl
       ccache:ccache rsync:rsync cpio:cpio xz-utils:xz)
all=("${kunit[@]}" python3-ply: python3-git: sparse:sparse coccinelle:spatch b4:b4
     gcc-s390x-linux-gnu:s390x-linux-gnu-gcc gcc-aarch64-linux-gnu:aarch64-linux-gnu-gcc
     shellcheck:shellcheck libcap-dev: uuid-dev: python3-argcomplete:
     python3-pkg-resources: python3-requests: file:file kmod:modprobe udev:udevadm
     virtme-ng:vng)
case ${1:-all} in
kunit)	list=("${kunit[@]}") ;;
all)	list=("${all[@]}") ;;
*)	echo "deps: unknown target $1" >&2; exit 1 ;;
esac

if ! command -v dpkg-query >/dev/null; then
	for pc in "${list[@]}"; do
		c=${pc#*:}
		[ -z "$c" ] || command -v "$c" >/dev/null ||
			{ echo "deps: $c is missing (Debian package ${pc%%:*})" >&2; exit 1; }
	done
	exit 0
fi

missing=()
for pc in "${list[@]}"; do
	p=${pc%%:*}
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
[ "$(id -u)" -eq 0 ] || { echo "deps: need root to apt-get install ${missing[*]}" >&2; exit 1; }
apt-get update -qq >&2
mapfile -t apt < <(printf '%s\n' "${missing[@]}" | grep -vx virtme-ng || true)
[ ${#apt[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt[@]}" >&2
if printf '%s\n' "${missing[@]}" | grep -qx virtme-ng; then
	# shellcheck source=scripts/apt-private.sh
	. "$(dirname "$0")/apt-private.sh"
	apt_private trixie
	apt-get "${apt_opts[@]}" update -qq >&2
	dl=${CACHE:?}/dl
	mkdir -p "$dl"
	(cd "$dl" && apt-get "${apt_opts[@]}" download virtme-ng >&2)
	dpkg -i "$dl"/virtme-ng_*_all.deb >&2
fi
