#!/usr/bin/env bash
# Turn a kernel source into a git tree in the cache with a pristine "base"
# commit; reused while the source's checksum (or KSRC's HEAD) is unchanged.
# Usage: prepare-tree.sh <tree-dir>    (KSRC=/path for a user's tree)
set -euo pipefail

tree=$1
here=$(cd "$(dirname "$0")" && pwd)
die() { echo "prepare-tree: $*" >&2; exit 1; }

if [ -n "${KSRC:-}" ]; then
	if [ ! -f "$KSRC/Makefile" ] || [ ! -f "$KSRC/scripts/checkpatch.pl" ] || [ ! -d "$KSRC/drivers/vfio" ]; then
		die "KSRC=$KSRC is not a kernel source tree (no Makefile, scripts/checkpatch.pl or drivers/vfio)"
	fi
	if git -C "$KSRC" rev-parse --verify -q HEAD >/dev/null; then
		id="git $(git -C "$KSRC" rev-parse HEAD)"
	else
		id="dir $(cd "$KSRC" && pwd)"
	fi
else
	read -r deb sha ver < <("$here/get-tree.sh")
	id="deb $sha $ver"
fi

if [ -f "$tree/.git/series-base-id" ] && [ "$(cat "$tree/.git/series-base-id")" = "$id" ] &&
   git -C "$tree" rev-parse --verify -q refs/tags/base >/dev/null; then
	# Reuse: throw away whatever a previous run left, keep the pristine base.
	git -C "$tree" am --abort >/dev/null 2>&1 || true
	git -C "$tree" checkout -q -f base 2>/dev/null
	git -C "$tree" clean -q -f -d -x
	echo "$tree"
	exit 0
fi

rm -rf "$tree.new"
mkdir -p "$tree.new"
case $id in
git\ *)
	git clone -q --shared --no-checkout "$KSRC" "$tree.new"
	git -C "$tree.new" checkout -q --detach "${id#git }"
	;;
dir\ *)
	cp -a "$KSRC/." "$tree.new/"
	;;
deb\ *)
	echo "prepare-tree: extracting $(basename "$deb")" >&2
	dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
		xz -d -T0 | tar -x -C "$tree.new" --strip-components=1
	;;
esac
cd "$tree.new"
if [ ! -d .git ] || [ "${id%% *}" = dir ]; then
	rm -rf .git
	git init -q
	# Debian's .gitignore ignores the whole top level: add everything with -f.
	git add -A -f
	GIT_AUTHOR_DATE='2000-01-01T00:00:00Z' GIT_COMMITTER_DATE='2000-01-01T00:00:00Z' git -c user.name=base -c user.email=base@localhost \
		commit -q -m "pristine base: $id"
fi
git tag -f base >/dev/null
echo "$id" > .git/series-base-id
cd - >/dev/null
# A new base replaces the repository, and with it `make edit`'s dev
# branch: keep its commits as patches next to the tree first.
if git -C "$tree" rev-parse -q --verify refs/heads/dev >/dev/null 2>&1 &&
   git -C "$tree" rev-parse -q --verify refs/tags/base >/dev/null; then
	saved=$tree.dev-$(date -u +%Y%m%dT%H%M%S)
	git -C "$tree" format-patch -q -o "$saved" base..dev
	echo "prepare-tree: the base changed; the commits of branch dev are kept in $saved" >&2
fi
rm -rf "$tree"
mv "$tree.new" "$tree"
echo "$tree"
