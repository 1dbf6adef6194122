#!/usr/bin/env bash
# End to end in QEMU: build the guest kernel (x86_64_defconfig,
# kvm_guest.config and kernel-config/e2e.config) at the
# base with Part 0 applied and at the tip of the series, boot each with
# virtme-ng on q35 with an emulated intel-iommu (interrupt remapping, caching
# mode), an e1000e and a 1 GiB ivshmem-plain device, and run e2e/guest.sh in
# it: the tree's vfio and iommu selftests and bar-map (type1 MAP_DMA of the
# ivshmem BAR). scripts/e2e-judge.sh then judges the logs: a PASS/FAIL line
# per selftest case on the patched kernel (with the base result beside it),
# a FAIL for a kernel report in either guest, and the timing table.
# E2E_ACCEL=kvm|tcg overrides the probe of /dev/kvm. E2E_TIMING=0 leaves
# bar-map out (make test: correctness only; make e2e runs it).
# A guest that ran to its end is kept (scripts/rcache.sh) by its kernel's
# tree, the selftests' sources, the e2e files and the QEMU and virtme-ng
# versions: a later run with the same inputs judges its logs again instead
# of building and booting it (not keyed: the accelerator, which changes
# the times only).
# Usage: e2e.sh <tree> <series> <artifacts>
set -euo pipefail

tree=$1 series=$2 art=$3/e2e
top=$(cd "$(dirname "$0")/.." && pwd)
# The default tree ("linux") keeps the plain names; a KSRC slot its own.
slot=$(basename "$tree")
[ "$slot" = linux ] && slot= || slot=-$slot
src=$CACHE/e2e-src$slot build=$CACHE/build/e2e-x86_64$slot
st=$CACHE/build/$(basename "$tree")-selftests
rm -rf "$art"
mkdir -p "$art" "$build"
# Ctrl-C (or a kill of this script) stops the running guest too: timeout
# runs it in a process group of its own, which the terminal's SIGINT
# misses; boot() leaves that group's id in <guest dir>/guest.pgid. The
# guests run one after the other: two side by side under TCG each ran
# at half speed (tried at stop 25), which gains nothing.
stop_guests() {
	local f
	for f in "$art"/*/guest.pgid; do
		[ ! -e "$f" ] || kill -TERM -- "-$(cat "$f")" 2>/dev/null || true
	done
}
trap 'stop_guests; exit 130' INT TERM
trap stop_guests EXIT

# Part 0 is the patches before the "# Part 1" header of the series file.
npatch=$(grep -c '^[0-9]' "$series")
npart0=$(awk '/^# Part 1/ { exit } /^[0-9]/ { n++ } END { print n + 0 }' "$series")
tip=$(git -C "$tree" rev-parse HEAD)
base=$(git -C "$tree" rev-parse "HEAD~$((npatch - npart0))")
"$top/scripts/worktree.sh" "$tree" "$src" "$tip"

# The accelerator: /dev/kvm may exist and still not run a guest, so boot
# a kernel to its first message or give up after 20 s.
kvm_boots() {
	[ -w /dev/kvm ] && [ -f "$1" ] && timeout 20 qemu-system-x86_64 -accel kvm -M q35 -m 512 \
		-nodefaults -nographic -serial stdio -no-reboot \
		-kernel "$1" -append 'console=ttyS0 panic=-1' 2>/dev/null |
		grep -q -m1 'Linux version'
}
accel=${E2E_ACCEL:-}
if [ -z "$accel" ] && [ ! -w /dev/kvm ]; then
	accel=tcg
elif [ -z "$accel" ] && [ -f "$build/bzImage-patched" ]; then
	accel=tcg
	if kvm_boots "$build/bzImage-patched"; then accel=kvm; fi
fi

# A guest's logs are kept by what they depend on (scripts/rcache.sh).
# shellcheck source=scripts/rcache.sh
. "$top/scripts/rcache.sh"
declare -A key=() kept=()
guest_keys() {
	local inputs
	inputs=$(rkey @"$0" @"$top/e2e/guest.sh" @"$top/e2e/bar-map.c" @"$top/kernel-config/e2e.config" \
		@"$top/scripts/selftests-build.sh" "${E2E_TIMING:-1}" "$accel" \
		"$(git -C "$tree" rev-parse "$tip:tools" "$tip:include/uapi" "$tip:arch/x86/include/uapi")" \
		"$(qemu-system-x86_64 --version | head -n1)" "$(vng --version 2>&1 | head -n1)")
	key[base]=$(rkey "$inputs" "$(git -C "$tree" rev-parse "$base^{tree}")")
	key[patched]=$(rkey "$inputs" "$(git -C "$tree" rev-parse "$tip^{tree}")")
}
if [ -n "$accel" ]; then
	guest_keys
	for g in base patched; do
		if rget e2e-guest "${key[$g]}" "$art/$g"; then
			kept[$g]=1
		fi
	done
	# The timing table compares the two guests of one run.
	if [ "${E2E_TIMING:-1}" != 0 ] && [ ${#kept[@]} = 1 ]; then
		rm -rf "$art/base" "$art/patched"
		kept=()
	fi
	for g in "${!kept[@]}"; do
		echo "e2e: $g guest: the logs of an earlier run with the same inputs (results/e2e-guest/${key[$g]})"
	done
fi

# One build directory for both kernels: the second build only recompiles
# what the series changes.
kbuild() {
	local label=$1 commit=$2 t0=$SECONDS
	git -C "$src" checkout -q --detach "$commit"
	if ! cmp -s "$top/kernel-config/e2e.config" "$build/e2e.config.used"; then
		{ make -C "$src" O="$build" x86_64_defconfig &&
		  "$src/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" \
			"$src/kernel/configs/kvm_guest.config" "$top/kernel-config/e2e.config" &&
		  make -C "$src" O="$build" olddefconfig; } > "$art/config.log" 2>&1
		cp "$top/kernel-config/e2e.config" "$build/e2e.config.used"
	fi
	make -C "$src" O="$build" -j"$(nproc)" CC="ccache gcc" bzImage \
		> "$art/build-$label.log" 2>&1 ||
		{ echo "FAIL: e2e: $label kernel does not build; see $art/build-$label.log"; exit 1; }
	cp "$build/arch/x86/boot/bzImage" "$build/bzImage-$label"
	echo "e2e-time: build $label $((SECONDS - t0)) s"
}

if [ ${#kept[@]} = 2 ]; then
	E2E_TIMING=${E2E_TIMING:-1} exec "$top/scripts/e2e-judge.sh" "$art"
fi
# The config must keep what the runs rely on (olddefconfig drops silently).
if [ -z "${kept[base]:-}" ]; then kbuild base "$base"; fi
if [ -z "${kept[patched]:-}" ]; then kbuild patched "$tip"; fi
for o in INTEL_IOMMU IRQ_REMAP VFIO_PCI VFIO_IOMMU_TYPE1 VFIO_DEVICE_CDEV IOMMUFD_TEST \
	 VFIO_PCI_DMABUF INTEL_IOMMU_DEBUGFS PROVE_LOCKING KASAN KASAN_INLINE 9P_FS; do
	grep -q "^CONFIG_$o=y" "$build/.config" ||
		{ echo "FAIL: e2e: CONFIG_$o is not set in the guest config"; exit 1; }
done

t0=$SECONDS
"$top/scripts/selftests-build.sh" "$tree" "$art/selftests-build.log" vfio iommu ||
	{ echo "FAIL: e2e: selftests do not build; see $art/selftests-build.log"; exit 1; }
gcc -O2 -Wall -Werror -isystem "$st/usr/include" -o "$st/bar-map" "$top/e2e/bar-map.c"
echo "e2e-time: selftests $((SECONDS - t0)) s"

barmap=$st/bar-map
[ "${E2E_TIMING:-1}" = 0 ] && barmap=none
if [ -z "$accel" ]; then
	accel=tcg
	if kvm_boots "$build/bzImage-patched"; then accel=kvm; fi
	guest_keys
fi
echo "e2e: accelerator $accel"

boot() {
	local label=$1 t0=$SECONDS out qemu
	out=$art/$label
	mkdir -p "$out"
	qemu="-device intel-iommu,intremap=on,caching-mode=on -device e1000e"
	# The ivshmem behind a root port of its own, so that a bus reset is
	# its reset; edu DMAs with all 64 address bits (its default is 28).
	qemu+=" -object memory-backend-memfd,id=shm0,size=1G,share=on"
	qemu+=" -device pcie-root-port,id=rp1,chassis=1,slot=1"
	qemu+=" -device ivshmem-plain,memdev=shm0,bus=rp1"
	qemu+=" -device edu,dma_mask=0xffffffffffffffff -device edu,dma_mask=0xffffffffffffffff"
	# TCG: "max" has pdpe1gb, which 1 GiB hugetlb pages need. Without
	# la57: with 5-level paging, an interrupt taken while identify_cpu()
	# has cleared the boot CPU's feature bits makes KASAN compute its
	# shadow bounds for 4 levels and report any direct-map access as a
	# wild-memory-access (seen once, 3 ms into boot, before any driver).
	if [ "$accel" = kvm ]; then qemu+=" -machine kernel-irqchip=split"; else qemu+=" -cpu max,la57=off"; fi
	# shellcheck disable=SC2046
	timeout -k 30 1500 vng --run "$build/bzImage-$label" --disable-microvm \
		$([ "$accel" = kvm ] || echo --disable-kvm) --cpus 2 --memory 4G \
		--rwdir="/tmp/e2e-out=$out" --append="intel_iommu=on hugepagesz=1G hugepages=1 hugepagesz=2M hugepages=64" \
		--qemu-opts="$qemu" \
		--exec "$top/e2e/guest.sh $tree $st $barmap /tmp/e2e-out" \
		> "$out/console.log" 2>&1 &
	guest=$!
	echo "$guest" > "$out/guest.pgid"
	# A guest that writes nothing for E2E_STALL s once e2e/guest.sh has
	# started is stopped then rather than at the cap: a live one writes a
	# line per case (the harness kills a case after 30 s) or a hung-task
	# report. Seen on base after the revoke test: both vCPUs halted with
	# no interrupt left to wake them, QEMU idle.
	(
		stall=${E2E_STALL:-300}
		while sleep 30; do
			kill -0 -- "-$guest" 2> /dev/null || break
			[ -e "$out/guest.info" ] || continue
			[ -z "$(find "$out" -newermt "-$stall seconds" -print -quit)" ] || continue
			echo "$stall" > "$out/stalled"
			kill -TERM -- "-$guest"
			break
		done
	) < /dev/null > /dev/null 2>&1 &
	watch=$!
	rc=0
	wait "$guest" || rc=$?
	rm -f "$out/guest.pgid"
	kill "$watch" 2>/dev/null || true
	echo "$rc" > "$out/vng.rc"
	echo "e2e-time: guest $label $((SECONDS - t0)) s"
	# Keep the logs of a guest that ran clean to its end, as the judge says.
	if "$top/scripts/e2e-judge.sh" --keep "$out"; then
		rput e2e-guest "${key[$label]}" "$out/." || true
	fi
}
if [ -z "${kept[base]:-}" ]; then boot base; fi
if [ -z "${kept[patched]:-}" ]; then boot patched; fi
E2E_TIMING=$([ "$barmap" = none ] && echo 0 || echo 1) exec "$top/scripts/e2e-judge.sh" "$art"
