#!/usr/bin/env bash
# Runs inside the e2e guest (virtme-ng, the host's root file system read-only,
# <out> shared read-write). Binds the emulated e1000e, ivshmem and the two
# edu devices to vfio-pci with the selftests' own setup script, runs the vfio
# and iommu selftests and bar-map (unless its path is "none"), and leaves one
# log per program in <out>, with its exit code in <out>/<name>.rc. The host
# side (scripts/e2e.sh) judges them.
# Usage: guest.sh <tree> <selftests build dir> <bar-map binary> <out>
set -u

tree=$1 st=$2 barmap=$3 out=$4
export TMPDIR=/tmp

mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
# The kernel log as it comes, so that a guest stopped at its cap still
# leaves it behind.
dmesg -w > "$out/dmesg.log" 2>&1 &
dmesg_pid=$!

# find_dev <vendor> <device> [<n>]: the BDF of the n-th such device (from 1)
find_dev() {
	local d n=${3:-1}
	for d in /sys/bus/pci/devices/*; do
		if [ "$(cat "$d/vendor")" = "$1" ] && [ "$(cat "$d/device")" = "$2" ]; then
			n=$((n - 1))
			[ "$n" -eq 0 ] && { basename "$d"; return; }
		fi
	done
}

nic=$(find_dev 0x8086 0x10d3)
shm=$(find_dev 0x1af4 0x1110)
edu0=$(find_dev 0x1234 0x11e8 1)
edu1=$(find_dev 0x1234 0x11e8 2)
{
	echo "e1000e: ${nic:-missing}  ivshmem: ${shm:-missing}  edu: ${edu0:-missing} ${edu1:-missing}"
	uname -r
	cat /proc/cmdline
	grep -qw la57 /proc/cpuinfo && echo "la57: on" || echo "la57: off"
} > "$out/guest.info"
[ -n "$nic" ] && [ -n "$shm" ] && [ -n "$edu0" ] && [ -n "$edu1" ] || exit 1
"$tree/tools/testing/selftests/vfio/scripts/setup.sh" "$nic" "$shm" "$edu0" "$edu1" \
	> "$out/setup.log" 2>&1 || exit 1

# run <name> <timeout in s> <command...>
# A program that a hang in the kernel keeps from dying even by SIGKILL is
# left behind 30 s after its timeout, with "stuck" as its exit code, so that
# the programs after it still run (the hung task detector reports it).
run() {
	local name=$1 t=$2 start pid i
	shift 2
	start=$(date +%s.%N)
	timeout -k 10 "$t" "$@" > "$out/$name.log" 2>&1 &
	pid=$!
	for ((i = 0; i < 2 * (t + 30); i++)); do
		kill -0 "$pid" 2> /dev/null || break
		sleep 0.5
	done
	if kill -0 "$pid" 2> /dev/null; then
		echo stuck > "$out/$name.rc"
	else
		wait "$pid"
		echo $? > "$out/$name.rc"
		# 126: it could not even start; say how much memory was left.
		[ "$(cat "$out/$name.rc")" = 126 ] &&
			grep -E '^Mem(Free|Available):' /proc/meminfo >> "$out/$name.log"
	fi
	echo "$name $(echo "$(date +%s.%N) - $start" | bc)" >> "$out/times"
}

# Peer-to-peer DMA from the edus into the ivshmem's BAR, with its revoke and
# restore. First: run after the programs below, it froze the base guest
# (v7.3) in its compat race case in 2 of 2 runs with inline KASAN (one
# RCU stall report, then nothing); run first in 2 guests (5 runs in all),
# it never did.
run "vfio.vfio_dma_mapping_mmio_revoke_test.$shm" 900 \
	"$st/vfio/vfio_dma_mapping_mmio_revoke_test" "$edu0" "$shm" "$edu1"
for t in "$st"/vfio/vfio_*_test; do
	case $t in *_revoke_test) continue ;; esac
	run "vfio.$(basename "$t").$nic" 600 "$t" "$nic"
done
# The BAR-mapping test again on the ivshmem, whose BAR2 is 1 GiB.
run "vfio.vfio_dma_mapping_mmio_test.$shm" 600 "$st/vfio/vfio_dma_mapping_mmio_test" "$shm"
run iommu.iommufd 900 "$st/iommu/iommufd"
# iommufd_fail_nth: one process per case. All cases of one process share
# a MAP_SHARED buffer and check its pin counts in every teardown, and the
# harness kills a case at its 30 s timeout without waiting for it to exit:
# the killed case's pins, still being released, then fail the next case's
# check. A new process has a new buffer; also wait until the killed case
# has gone, so cases never overlap.
nth=$st/iommu/iommufd_fail_nth
cases=$("$nth" -l 2>&1 | awk 'NR > 1 && !/^---/ { print substr($0, 48) }')
[ -n "$cases" ] || cases=all
for c in $cases; do
	if [ "$c" = all ]; then
		run iommu.iommufd_fail_nth 1800 "$nth"
	else
		run "iommu.iommufd_fail_nth.$c" 600 "$nth" -t "$c"
	fi
	for _ in $(seq 300); do
		pgrep -x iommufd_fail_nt > /dev/null || break
		sleep 1
	done
done
if [ "$barmap" != none ]; then
	run bar-map 900 "$barmap" "$shm" 2 3 type1
	run bar-map-compat 900 "$barmap" "$shm" 2 3 compat
fi
kill "$dmesg_pid"
# Every program has run: scripts/e2e.sh keeps only a guest that got here.
: > "$out/done"
# Power off at once: a process left in a device's close or reset must not
# keep the guest (and the run) waiting.
sync
echo 1 > /proc/sys/kernel/sysrq
echo o > /proc/sysrq-trigger
