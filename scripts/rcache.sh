# shellcheck shell=bash
# Results kept by the content they depend on, as the 0-day bot keys its
# builds by commit: a stage that finds the result of an earlier run with
# the same inputs reuses it instead of building or booting again; the
# verdict is always made afresh from what it reuses. A result lives in
# $CACHE/results/<kind>/<key>/ and is written only when complete.
# RCACHE=0 turns reuse off (results are still written). Sourced by stages.

# rkey <input...>: a key for the inputs, each a string or @file (its content).
rkey() {
	local arg
	for arg in "$@"; do
		case $arg in
		@*) [ -r "${arg#@}" ] || { echo "rkey: cannot read ${arg#@}" >&2; return 1; }
		    sha1sum < "${arg#@}" ;;
		*) printf '%s\n' "$arg" ;;
		esac
	done | sha1sum | cut -c1-24
}

# rtree <tree>: the state of a work tree: its HEAD's tree and what differs
# in tracked files (a file the tree does not track is not seen).
rtree() {
	git -C "$1" rev-parse 'HEAD^{tree}'
	git -C "$1" diff HEAD | sha1sum
}

# rget <kind> <key> <dest dir>: copy a kept result into <dest>; 1 if none.
rget() {
	local d=${CACHE:?}/results/$1/$2
	[ "${RCACHE:-1}" != 0 ] && [ -f "$d/.complete" ] || return 1
	rm -rf "$3"
	mkdir -p "$3"
	cp -a "$d/." "$3/" || { rm -rf "$3"; return 1; }
	rm -f "$3/.complete"
}

# rput <kind> <key> <file...>: keep the files (a directory's content with
# dir/.) as the result for <key>.
rput() {
	local d=${CACHE:?}/results/$1/$2
	rm -rf "$d.tmp"
	mkdir -p "$d.tmp"
	shift 2
	if [ $# -gt 0 ] && ! cp -a "$@" "$d.tmp/"; then
		rm -rf "$d.tmp"
		return 1
	fi
	touch "$d.tmp/.complete"
	rm -rf "$d"
	mv "$d.tmp" "$d"
}
