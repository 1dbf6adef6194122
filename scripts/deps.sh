#!/usr/bin/env bash
# Install the Debian packages the pipeline needs (build, QEMU, checkers).
# Runs apt-get only when something is missing, so warm runs cost nothing.
# virtme-ng (the e2e guest runner) is not in bookworm: its trixie package
# (arch all) is fetched through the private apt configuration and installed
# with dpkg after its dependencies, which bookworm has.
set -euo pipefail

pkgs=(bc bison flex libelf-dev libssl-dev python3 python3-ply python3-git
      qemu-system-x86 sparse coccinelle b4 gcc-s390x-linux-gnu gcc-aarch64-linux-gnu ccache rsync
      cpio xz-utils shellcheck git make gcc perl libcap-dev uuid-dev
      python3-argcomplete python3-pkg-resources python3-requests file kmod udev)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
dpkg-query -W -f='${Status}' virtme-ng 2>/dev/null | grep -q 'ok installed' || missing+=(virtme-ng)
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
[ "$(id -u)" -eq 0 ] || { echo "deps: need root to apt-get install ${missing[*]}" >&2; exit 1; }
apt-get update -qq >&2
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | grep -vx virtme-ng)
[ ${#missing[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
if ! dpkg-query -W -f='${Status}' virtme-ng 2>/dev/null | grep -q 'ok installed'; then
	# shellcheck source=scripts/apt-private.sh
	. "$(dirname "$0")/apt-private.sh"
	apt_private trixie
	apt-get "${apt_opts[@]}" update -qq >&2
	dl=${CACHE:?}/dl
	mkdir -p "$dl"
	(cd "$dl" && apt-get "${apt_opts[@]}" download virtme-ng >&2)
	dpkg -i "$dl"/virtme-ng_*_all.deb >&2
fi
