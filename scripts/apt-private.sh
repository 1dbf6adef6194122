# shellcheck shell=bash
# A private apt configuration under $CACHE/apt-<suite>: its own sources list,
# lists and archives, with the archive URI taken from the machine's own apt
# sources (the entry that serves bookworm), so the machine's apt setup is
# never changed. Sourced; sets the array apt_opts for apt-get/apt-cache
# and apt_uri.
# shellcheck disable=SC2034  # apt_opts and apt_uri are for the caller
# Usage: apt_private <suite...>

apt_archive_uri() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk 'BEGIN{RS=""; FS="\n"}
		     /(^|\n)Suites:[^\n]*bookworm( |\n|$)/ && !/Enabled: *no/ {
			for (i = 1; i <= NF; i++)
				if ($i ~ /^URIs:/) { sub(/^URIs: */, "", $i); split($i, u, " "); print u[1]; exit }
		     }' "$f"
	done
	if [ -r /etc/apt/sources.list ]; then
		awk '$1 == "deb" && $0 ~ / bookworm / { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; exit } }' \
			/etc/apt/sources.list
	fi
}

apt_private() {
	local uri dir s
	dir=${CACHE:?}/apt-$(echo "$@" | tr ' ' '+')
	uri=$(apt_archive_uri | head -n1)
	if [ -z "$uri" ]; then
		echo "apt: no apt source serving bookworm in /etc/apt; cannot derive the archive URI" >&2
		return 1
	fi
	mkdir -p "$dir/lists/partial" "$dir/archives/partial"
	for s in "$@"; do
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $s main"
	done > "$dir/sources.list"
	apt_opts=(-o "Dir::Etc::sourcelist=$dir/sources.list" -o Dir::Etc::sourceparts=/nonexistent
		  -o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir" -o "Dir::Cache::archives=$dir/archives"
		  -o Debug::NoLocking=1 -o APT::Sandbox::User=root -o APT::Get::List-Cleanup=0)
	apt_uri=$uri
}
