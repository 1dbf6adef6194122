#!/usr/bin/env bash
# End to end in QEMU: build the guest kernel (x86_64_defconfig,
# kvm_guest.config and kernel-config/e2e.config) at the
# base with Part 0 applied and at the tip of the series, boot each with
# virtme-ng on q35 with an emulated intel-iommu (interrupt remapping, caching
# mode), an e1000e and a 1 GiB ivshmem-plain device, and run e2e/guest.sh in
# it: the tree's vfio and iommu selftests and bar-map (type1 MAP_DMA of the
# ivshmem BAR). Prints a PASS/FAIL line per selftest case on the patched
# kernel (with the base result beside it), a FAIL for a lockdep/KASAN/hung
# task report in either guest, and the timing table (patched/base).
# E2E_ACCEL=kvm|tcg overrides the probe of /dev/kvm. E2E_TIMING=0 leaves
# bar-map out (make test: correctness only; make e2e runs it).
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
# Ctrl-C (or a kill of this script) stops a running guest too: timeout runs
# it in a process group of its own, which the terminal's SIGINT misses.
guest=
trap '[ -z "$guest" ] || kill -TERM -- "-$guest" 2>/dev/null; exit 130' INT TERM

# Part 0 is the patches before the "# Part 1" header of the series file.
npatch=$(grep -c '^[0-9]' "$series")
npart0=$(awk '/^# Part 1/ { exit } /^[0-9]/ { n++ } END { print n + 0 }' "$series")
tip=$(git -C "$tree" rev-parse HEAD)
base=$(git -C "$tree" rev-parse "HEAD~$((npatch - npart0))")
[ -d "$src" ] || git -C "$tree" worktree add -q --detach "$src" "$tip"

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

# The config must keep what the runs rely on (olddefconfig drops silently).
kbuild base "$base"
for o in INTEL_IOMMU IRQ_REMAP VFIO_PCI VFIO_IOMMU_TYPE1 VFIO_DEVICE_CDEV IOMMUFD_TEST \
	 VFIO_PCI_DMABUF INTEL_IOMMU_DEBUGFS PROVE_LOCKING KASAN 9P_FS; do
	grep -q "^CONFIG_$o=y" "$build/.config" ||
		{ echo "FAIL: e2e: CONFIG_$o is not set in the guest config"; exit 1; }
done
kbuild patched "$tip"

t0=$SECONDS
"$top/scripts/selftests-build.sh" "$tree" "$art/selftests-build.log" vfio iommu ||
	{ echo "FAIL: e2e: selftests do not build; see $art/selftests-build.log"; exit 1; }
gcc -O2 -Wall -Werror -isystem "$st/usr/include" -o "$st/bar-map" "$top/e2e/bar-map.c"
echo "e2e-time: selftests $((SECONDS - t0)) s"

barmap=$st/bar-map
[ "${E2E_TIMING:-1}" = 0 ] && barmap=none
accel=${E2E_ACCEL:-}
if [ -z "$accel" ]; then
	# /dev/kvm may exist and still not run a guest: boot to the first
	# kernel message or give up after 20 s.
	accel=tcg
	if [ -w /dev/kvm ] && timeout 20 qemu-system-x86_64 -accel kvm -M q35 -m 512 \
		-nodefaults -nographic -serial stdio -no-reboot \
		-kernel "$build/bzImage-base" -append 'console=ttyS0 panic=-1' 2>/dev/null |
		grep -q -m1 'Linux version'; then
		accel=kvm
	fi
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
	timeout -k 30 1800 vng --run "$build/bzImage-$label" --disable-microvm \
		$([ "$accel" = kvm ] || echo --disable-kvm) --cpus 2 --memory 4G \
		--rwdir="/tmp/e2e-out=$out" --append="intel_iommu=on hugepagesz=1G hugepages=1 hugepagesz=2M hugepages=64" \
		--qemu-opts="$qemu" \
		--exec "$top/e2e/guest.sh $tree $st $barmap /tmp/e2e-out" \
		> "$out/console.log" 2>&1 &
	guest=$!
	rc=0
	wait "$guest" || rc=$?
	guest=
	echo "e2e-time: guest $label $((SECONDS - t0)) s"
	[ -s "$out/guest.info" ] ||
		{ echo "FAIL: e2e: the $label guest did not start e2e/guest.sh; see $out/console.log"; return; }
	# Killed at the cap: name the programs that never finished.
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		echo "FAIL: e2e: the $label guest was stopped after 1800 s; unfinished:" \
			"$(cd "$out" && for f in *.log; do [ -e "${f%.log}.rc" ] || printf '%s ' "${f%.log}"; done)"
	fi
	grep -l '^stuck$' "$out"/*.rc 2>/dev/null | sed "s|.*/\(.*\)\.rc$|FAIL: e2e: ($label) \1 could not be killed after its timeout|" || true
	splat='BUG: KASAN|BUG:|WARNING: CPU|WARNING: possible|possible circular locking|inconsistent lock state|suspicious RCU usage|Kernel panic|blocked for more than'
	first=$(cat "$out/console.log" "$out/dmesg.log" 2>/dev/null | grep -Em1 "$splat" || true)
	if [ -n "$first" ]; then
		echo "FAIL: e2e ($label) kernel report: $first"
		# The report's first lines, so that a CI log shows where it was
		cat "$out/console.log" "$out/dmesg.log" 2>/dev/null | grep -Em1 -A12 "$splat" |
			sed "s/^/e2e-report ($label): /"
	else
		echo "PASS: e2e ($label) no lockdep/KASAN/hung-task report"
	fi
}
boot base
boot patched

# Per case: "<program>[.<bdf>] <case> ok|fail|skip" from the kselftest TAP;
# a program that did not finish (timeout, crash before its plan) is one
# failed case named after it.
results() {
	local out=$art/$1 f name rc
	for f in "$out"/*.log; do
		name=$(basename "$f" .log)
		case $name in vfio.*|iommu.*) ;; *) continue ;; esac
		# A case the harness killed after its fixed 30 s is "timeout".
		awk -v p="$name" '
			/^# [^ ]+: Test terminated by timeout/ { to[$2] = 1 }
			/^(not )?ok [0-9]+ / {
				r = /^not ok/ ? "fail" : "ok"
				if (/# SKIP/) r = "skip"
				n = $0; sub(/^(not )?ok [0-9]+ /, "", n); sub(/ # .*/, "", n)
				t = n; sub(/^.*\./, "", t)
				if (r == "fail" && (t ":") in to) r = "timeout"
				print p, n, r }' "$f"
		rc=$(cat "$out/$name.rc" 2>/dev/null || echo none)
		if grep -q '^# Totals:' "$f"; then
			continue
		elif [ "$rc" = 4 ]; then	# KSFT_SKIP: the whole program
			echo "$name (program:$(grep -m1 -v '^$' "$f" | tr ' ' '_')) skip"
		else
			echo "$name (did-not-finish:rc=$rc) fail"
		fi
	done | sort
}
results base > "$art/base.results"
results patched > "$art/patched.results"

# Patched must pass every case; a case that also fails on base is reported
# as such, but still fails the run. Skips are listed, never counted as
# passes. A case the kselftest harness killed at its fixed 30 s got no
# verdict: under TCG with lockdep and KASAN some iommufd_fail_nth cases
# take about that long, on either kernel, from run to run. It is listed as
# not run, never as passed; a kernel that hangs is caught by the hung task
# detector (60 s), whose report fails the run.
join -a1 -a2 -e missing -o 0,1.2,2.2 \
	<(awk '{ print $1 "/" $2, $3 }' "$art/patched.results") \
	<(awk '{ print $1 "/" $2, $3 }' "$art/base.results") |
while read -r name p b; do
	case $p/$b in
	ok/*)	echo "PASS: e2e $name (base: $b)" ;;
	skip/*)	echo "SKIP: e2e $name (base: $b)" ;;
	timeout/*) echo "NOT RUN: e2e $name: killed by the harness's 30 s timeout (patched: $p, base: $b)" ;;
	# A program that did not finish on base only: patched has its cases
	# under their own names. Base is the reference, not the subject.
	missing/*) case $name in *"(did-not-finish:"*)
		echo "BASE ONLY: e2e $name: $b" ;;
		*) echo "FAIL: e2e $name: missing (base: $b)" ;; esac ;;
	*)	echo "FAIL: e2e $name: $p (base: $b)" ;;
	esac
done | tee "$art/cases.txt"
echo "e2e-cases: $(grep -c '^PASS' "$art/cases.txt") passed, $(grep -c '^FAIL' "$art/cases.txt") failed," \
	"$(grep -c '^SKIP' "$art/cases.txt") skipped, $(grep -c '^NOT RUN' "$art/cases.txt") not run" \
	"(list: $art/cases.txt)"
grep -E '^(SKIP|NOT RUN|BASE ONLY)' "$art/cases.txt" | sed 's/^/e2e-not-passed: /' || true
# What a program that did not finish printed first (for instance timeout's
# "failed to run command" with the reason, exit code 126).
for l in base patched; do
	grep -h '(did-not-finish:' "$art/$l.results" | while read -r name _; do
		head -n 3 "$art/$l/$name.log" 2>/dev/null | sed "s|^|e2e-did-not-finish ($l) $name: |"
	done
done

[ "$barmap" = none ] && exit 0

# bar-map timing, both kernels from this run, through type1 (bar-map.log)
# and iommufd's type1 compat (bar-map-compat.log; base cannot map a BAR
# there). Map and unmap of the 1 GiB BAR per mmap alignment, the revoke and
# restore a memory decode toggle costs with it mapped, and the close.
val() {	# <log> <case> <key>
	sed -n "s/^bar_map: $2 \(.* \)*$3=\([-0-9]*\).*/\2/p" "$1" 2>/dev/null
}
{
	printf '%-7s %-20s %-8s %12s %12s %9s\n' path case what base_us patched_us base/patch
	for m in type1 compat; do
		log=bar-map.log
		[ $m = compat ] && log=bar-map-compat.log
		for c in aligned-untouched aligned-touched offset2m-untouched offset4k-untouched \
			 offset4k-touched toggle close; do
			case $c in
			toggle) keys="off_us on_us off_unmapped_us on_unmapped_us" ;;
			close) keys="close_us leaves_after_close" ;;
			*) keys="map_us unmap_us leaves" ;;
			esac
			for k in $keys; do
				bv=$(val "$art/base/$log" "$c" "$k")
				pv=$(val "$art/patched/$log" "$c" "$k")
				ratio=-
				case $k in *_us) [ -n "$bv" ] && [ -n "$pv" ] && [ "$pv" -gt 0 ] &&
					ratio=$(awk -v b="$bv" -v p="$pv" 'BEGIN { printf "%.2f", b / p }') ;;
				esac
				printf '%-7s %-20s %-8s %12s %12s %9s\n' $m "$c" "${k%_us}" \
					"${bv:--}" "${pv:--}" "$ratio"
			done
		done
	done
} > "$art/timing.txt"
sed 's/^/e2e-timing: /' "$art/timing.txt"
# Whether the IOMMU still maps the BAR of a closed device (intel-iommu's
# debugfs); the revoke test among the selftests above is what judges it.
for l in base patched; do
	echo "e2e-revoke: $l: $(val "$art/$l/bar-map.log" close leaves_after_close) IOMMU leaf entries still map the BAR after munmap and close of the device"
done
for r in base/bar-map patched/bar-map patched/bar-map-compat; do
	if grep -q '^bar_map: close ' "$art/$r.log" 2>/dev/null; then
		echo "PASS: e2e $r ran"
	else
		echo "FAIL: e2e $r did not finish; see $art/$r.log"
	fi
done
sort -k2 -n -r "$art"/*/times 2>/dev/null | head -5 | sed 's/^/e2e-time: slowest /' || true
