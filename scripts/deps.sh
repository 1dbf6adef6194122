#!/usr/bin/env bash
# Install the Debian packages the pipeline needs (build, QEMU, checkers).
# Runs apt-get only when something is missing, so warm runs cost nothing.
set -euo pipefail

pkgs=(bc bison flex libelf-dev libssl-dev python3 python3-ply python3-git
      qemu-system-x86 sparse coccinelle b4 gcc-s390x-linux-gnu gcc-aarch64-linux-gnu ccache rsync
      cpio xz-utils shellcheck git make gcc perl libcap-dev uuid-dev)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
[ "$(id -u)" -eq 0 ] || { echo "deps: need root to apt-get install ${missing[*]}" >&2; exit 1; }
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
