#!/usr/bin/env bash
# Run the series' KUnit suites the way a maintainer does, from the tree's
# own drivers/iommu/.kunitconfig and drivers/vfio/.kunitconfig, on
# KUNIT_ARCH (um, kunit.py's default, or x86_64 in QEMU under TCG), with
# the debug options of kernel-config/kunit-debug.config added (lockdep and
# KASAN). Keeps the KTAP log and kunit.py's JSON under
# <artifacts>/kunit-<label>.*, and prints one PASS/FAIL line per case; a
# skipped case, a missing suite or a lockdep/KASAN splat is a failure.
# EXPECT_FAIL=<regex>: the matching cases must fail (proof that a test can);
# EXPECT_SPLAT=kasan|lockdep|warn: and KASAN must report a use-after-free,
# lockdep a circular locking dependency, or a WARN*() fire; no other splat
# (after KASAN's, any). A WARN that a case provokes on purpose is one it
# suppresses and counts itself (kunit_warning_suppress()). KUNIT_SUITES: the suites that
# must run; KUNIT_FILTER: a kunit.py filter glob (all suites by default);
# KUNIT_ATTR: a kunit.py --filter on the cases' attributes (e.g. speed!=slow).
# Usage: kunit.sh <tree> <artifacts> <label>
set -euo pipefail
# Ctrl-C ends the loop, not just the build or run it is in.
trap 'exit 130' INT TERM

tree=$1 art=$2 label=$3
top=$(cd "$(dirname "$0")/.." && pwd)
arch=${KUNIT_ARCH:-x86_64}
build=${CACHE:?}/build/$(basename "$tree")-kunit-$arch
suites=${KUNIT_SUITES:-iommu-iopf vfio-type1-pin vfio-type1-device-memory}
mkdir -p "$art"
log=$art/kunit-$label.log tap=$art/kunit-$label.ktap

# The run depends on the tree as it is (a proof has a fix reverted in it),
# the debug options, the filter and the QEMU wrapper; the verdict below is
# made afresh every time.
# shellcheck source=scripts/rcache.sh
. "$top/scripts/rcache.sh"
key=$(rkey kunit "$arch" "$(rtree "$tree")" "${KUNIT_FILTER:-}" "${KUNIT_ATTR:-}" \
	@"$top/kernel-config/kunit-debug.config" @"$top/kunit/bin/qemu-system-x86_64" \
	@"$0" "$(qemu-system-x86_64 --version 2>/dev/null | head -n1)" "$(gcc --version | head -n1)")
if rget kunit "$key" "$art/kunit-$label.kept"; then
	echo "kunit: $label: the KUnit run of an earlier make with the same inputs (results/kunit/$key)"
	mv "$art/kunit-$label.kept/run.log" "$log"
	mv "$art/kunit-$label.kept/run.ktap" "$tap"
	mv "$art/kunit-$label.kept/run.json" "$art/kunit-$label.json"
	rm -rf "$art/kunit-$label.kept"
else
	# kunit.py exits non-zero when a case fails; the verdict is made below.
	export PATH="$top/kunit/bin:$PATH"
	rm -f "$build/test.log"
	(cd "$tree" && ./tools/testing/kunit/kunit.py run --arch="$arch" \
		--build_dir="$build" --jobs="$(nproc)" --make_options="CC=ccache gcc" \
		--kunitconfig=drivers/iommu --kunitconfig=drivers/vfio \
		--kunitconfig="$top/kernel-config/kunit-debug.config" \
		--timeout=300 --json="$art/kunit-$label.json" ${KUNIT_ATTR:+--filter "$KUNIT_ATTR"} \
		${KUNIT_FILTER:+"$KUNIT_FILTER"}) \
		> "$log" 2>&1 || true
	if ! grep -q 'Starting KUnit Kernel' "$log" || [ ! -s "$build/test.log" ]; then
		echo "FAIL: kunit ($label, $arch): the KUnit kernel did not build or boot; see $log"
		grep -E 'error:|ERROR' "$log" | head -10
		exit 1
	fi
	sed -E 's/^\[ *[0-9]+\.[0-9]+\] //' "$build/test.log" > "$tap"
	fresh=1
fi

fail=0
for s in $suites; do
	grep -q "^    # Subtest: $s\$" "$tap" || { echo "FAIL: kunit ($label): suite $s did not run"; fail=1; }
done
# Case lines are indented 4 (case) or 8 (parameter) spaces.
matched=0
while read -r res name; do
	case $res in
	ok)	expect=PASS ;;
	skip)	expect=FAIL name="$name (skipped)" ;;
	*)	expect=FAIL ;;
	esac
	if [ -n "${EXPECT_FAIL:-}" ] && [[ $name =~ $EXPECT_FAIL ]]; then
		[ "$expect" = PASS ] && expect=FAIL || expect=PASS
		name="$name (must fail here)"
		matched=1
	fi
	echo "$expect: kunit ($label) $name"
	[ "$expect" = PASS ] || fail=1
done < <(awk '
	/^    # Subtest: / { suite = $3 }
	/^        # Subtest: / { case_ = $3 }
	/^    (    )?(not )?ok [0-9]+ / {
		n = $0; sub(/^ */, "", n); res = (n ~ /^not ok/) ? "fail" : "ok"
		if (n ~ /# SKIP/) res = "skip"
		sub(/^(not )?ok [0-9]+ /, "", n); sub(/ # .*/, "", n)
		if ($0 ~ /^        /) n = case_ "/" n
		print res, suite "." n }' "$tap")
# A proof whose cases did not run (renamed, or left out by a filter)
# proves nothing.
if [ -n "${EXPECT_FAIL:-}" ] && [ "$matched" = 0 ]; then
	echo "FAIL: kunit ($label) no case that ran matches the cases that must fail: $EXPECT_FAIL"
	fail=1
fi

# WARNING: covers WARN*() ("WARNING: <file>:<line> at <function>, CPU#n"
# since 7.x, "WARNING: CPU: n PID: ..." before) and lockdep's and RCU's.
splat='BUG:|WARNING:|possible circular locking|inconsistent lock state|Kernel panic|blocked for more than'
# A proof may expect one splat: after a use-after-free KASAN reports, and
# what the freed memory does next may splat too; a lockdep report must be the
# only one.
case ${EXPECT_SPLAT:-} in
kasan)		want='BUG: KASAN' others=any ;;
lockdep)	want='possible circular locking dependency' others='' ;;
warn)		want=' at .*, CPU#' others='' ;;
*)		want='' others='' ;;
esac
first=$(grep -Em1 "$splat" "$tap" || true)
if [ -n "$want" ] && ! grep -q "$want" "$tap"; then
	echo "FAIL: kunit ($label) no $EXPECT_SPLAT report"
	fail=1
elif [ -n "$want" ]; then
	other=$(grep -E "$splat" "$tap" | grep -v "$want" | head -n1 || true)
	if [ -n "$other" ] && [ -z "$others" ]; then
		echo "FAIL: kunit ($label) kernel splat: $other"
		fail=1
	else
		echo "PASS: kunit ($label) $EXPECT_SPLAT reports it: $(grep -m1 "$want" "$tap")"
	fi
elif [ -n "$first" ]; then
	echo "FAIL: kunit ($label) kernel splat: $first"
	fail=1
fi
grep -h 'iopf_report:\|iopf_detach:\|type1_pin:\|type1_pin_one:' "$tap" | sed "s/^ *# */  ($label) /" || true
# Keep the run only if its verdict holds, so that a failure is run again.
if [ "$fail" = 0 ] && [ -n "${fresh:-}" ]; then
	tmp=$(mktemp -d)
	cp "$log" "$tmp/run.log"
	cp "$tap" "$tmp/run.ktap"
	cp "$art/kunit-$label.json" "$tmp/run.json" 2>/dev/null || : > "$tmp/run.json"
	rput kunit "$key" "$tmp/run.log" "$tmp/run.ktap" "$tmp/run.json"
	rm -rf "$tmp"
fi
exit "$fail"
