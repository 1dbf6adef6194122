#!/usr/bin/env bash
# Print the path of a sparse that can check the tree: the machine's if the
# tree's scripts/checker-valid.sh accepts it, else sid's sparse (bookworm's
# 0.6.4 cannot parse __typeof_unqual__, and kbuild then silently drops C=1),
# run through sid's glibc loader, both unpacked in the cache.
# Usage: get-sparse.sh <tree>
set -euo pipefail

tree=$1
here=$(cd "$(dirname "$0")" && pwd)
dir=${CACHE:?}/tools/sparse
wrap=$dir/sparse

valid() { [ "$("$tree/scripts/checker-valid.sh" "$1" -m64 2>/dev/null)" = 1 ]; }

if command -v sparse >/dev/null && valid sparse; then
	command -v sparse
	exit 0
fi
if [ -x "$wrap" ] && valid "$wrap"; then
	echo "$wrap"
	exit 0
fi

# shellcheck source=scripts/apt-private.sh
. "$here/apt-private.sh"
apt_private sid
apt-get "${apt_opts[@]}" -qq update >&2
rm -rf "$dir"
mkdir -p "$dir/dl"
(cd "$dir/dl" && apt-get "${apt_opts[@]}" -qq download sparse libc6 >&2)
for d in "$dir"/dl/*.deb; do
	dpkg-deb -x "$d" "$dir/root"
done
lib=$dir/root/usr/lib/x86_64-linux-gnu
cat > "$wrap" <<EOT
#!/bin/sh
exec "$lib/ld-linux-x86-64.so.2" --library-path "$lib" "$dir/root/usr/bin/sparse" "\$@"
EOT
chmod +x "$wrap"
valid "$wrap" || { echo "get-sparse: sid's sparse does not accept this tree either" >&2; exit 1; }
echo "$wrap"
