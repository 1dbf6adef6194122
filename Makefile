# The vfio/iommu DMA-lifetime series: get a kernel tree, apply the series,
# build it, check it and run its KUnit suites. `make help` lists the targets.
# Everything generated (kernel trees, builds) lives in $(CACHE); logs, KTAP
# and JSON results in $(ART).

CACHE ?= $(HOME)/.cache/vfio-dma-series
ART ?= $(CURDIR)/artifacts
KSRC ?=
# The default tree is "linux"; each KSRC gets a slot of its own.
SLOT := $(if $(KSRC),ksrc-$(shell printf %s '$(abspath $(KSRC))' | md5sum | cut -c1-8),linux)
TREE := $(CACHE)/$(SLOT)
WORK := $(CACHE)/work$(if $(KSRC),-$(SLOT))
S := scripts/stage.sh $(ART)
RCACHE ?= 1
export CACHE KSRC RCACHE

# A recipe is one shell, so that its first line can hold $(CACHE)/lock
# for the whole run: a second run on the same cache stops at once and says
# which run holds it.
SHELL := /bin/bash
.SHELLFLAGS := -ec
.ONESHELL:
LOCK = mkdir -p $(CACHE); exec 9>>$(CACHE)/lock; \
	flock -n 9 || { echo "make $@: $(CACHE) is in use by $$(cat $(CACHE)/lock.who 2>/dev/null || echo another run); wait for it or use another CACHE=" >&2; exit 1; }; \
	echo "make $@ in $(CURDIR) (pid $$$$, since $$(date -u +%T) UTC)" > $(CACHE)/lock.who

.PHONY: all test bench e2e tree2 mbox edit regen help clean

all: ## main job: apply the series to the default tree (or KSRC=), build, run KUnit
	@$(LOCK)
	@$(S) start
	@$(S) deps scripts/deps.sh kunit
	@$(S) -c tree scripts/prepare-tree.sh $(TREE)
	@$(S) -c apply scripts/apply.sh $(TREE) series
	@KUNIT_ARCH=um $(S) -n kunit-um scripts/kunit.sh $(TREE) $(ART) um
	@KUNIT_ARCH=x86_64 KUNIT_ATTR="speed!=slow" $(S) -n kunit-x86_64 scripts/kunit.sh $(TREE) $(ART) x86_64
	@scripts/summary.sh $(ART)

test: ## everything a maintainer's bot runs; ends with "N passed, N failed"
	@$(LOCK)
	@$(S) start
	@$(S) deps scripts/deps.sh
	@$(S) -c tree scripts/prepare-tree.sh $(TREE)
	@$(S) -n series scripts/check-series.sh
	@$(S) -c apply scripts/apply.sh $(TREE) series
	@$(S) shellcheck shellcheck -x scripts/*.sh e2e/*.sh .ci/run kunit/bin/*
	@$(S) -n e2e-judge scripts/e2e-judge-test.sh
	@$(S) -n checkpatch scripts/checkpatch.sh $(TREE)
	@$(S) -n bisect-build scripts/bisect-build.sh $(TREE) series $(ART)/build
	@$(S) -n kdoc-cocci scripts/touched-checks.sh $(TREE) series $(ART)/checks
	@KUNIT_ARCH=um $(S) -n kunit-um scripts/kunit.sh $(TREE) $(ART) um
	@KUNIT_ARCH=x86_64 KUNIT_ATTR="speed!=slow" $(S) -n kunit-x86_64 scripts/kunit.sh $(TREE) $(ART) x86_64
	@KUNIT_ARCH=um $(S) -n kunit-proof scripts/prove.sh $(TREE) series $(ART)
	@E2E_TIMING=$${E2E_TIMING:-0} $(S) -n e2e scripts/e2e.sh $(TREE) series $(ART)
	@$(S) -n results scripts/results.sh $(ART)
	@$(S) -n mbox scripts/mbox.sh $(TREE) series $(ART)/mbox
	@scripts/summary.sh $(ART)

bench: ## benchmark cases without lockdep/KASAN, kernels of kunit/bench taking turns; writes postings/*/bench.txt
	@$(LOCK)
	@$(S) start
	@$(S) -c tree scripts/prepare-tree.sh $(TREE)
	@$(S) -c apply scripts/apply.sh $(TREE) series
	@$(S) -n bench scripts/bench.sh $(TREE) series $(ART)
	@$(S) -n bench-table scripts/bench-table.sh $(ART)
	@scripts/summary.sh $(ART)

e2e: ## QEMU q35 + intel-iommu: selftests (as in make test) and BAR-map timing, base (Part 0) vs patched; writes postings/*/results.txt
	@$(LOCK)
	@$(S) start
	@$(S) deps scripts/deps.sh
	@$(S) -c tree scripts/prepare-tree.sh $(TREE)
	@$(S) -c apply scripts/apply.sh $(TREE) series
	@$(S) -n e2e scripts/e2e.sh $(TREE) series $(ART)
	@$(S) -n results scripts/results.sh $(ART)
	@scripts/summary.sh $(ART)

tree2: ## the series on a second tree (Debian linux-source-7.2): git am, then bisect build for x86_64
	@$(LOCK)
	@$(S) start
	@$(S) deps scripts/deps.sh
	@$(S) -n tree2 scripts/second-tree.sh series $(ART)
	@scripts/summary.sh $(ART)

mbox: ## the postings as mailed (postings/partN: cover, To/Cc, range-diff), in $(ART)/mbox; b4 round trip; SIGNER= signs
	@$(LOCK)
	@$(S) start
	@$(S) -c tree scripts/prepare-tree.sh $(TREE)
	@$(S) -c apply scripts/apply.sh $(TREE) series
	@$(S) -n mbox scripts/mbox.sh $(TREE) series $(ART)/mbox
	@scripts/summary.sh $(ART)

edit: ## check the series out as commits (branch dev) in $(WORK) for hacking
	@$(LOCK)
	scripts/prepare-tree.sh $(TREE) >/dev/null
	@scripts/edit.sh $(TREE) $(WORK)

regen: ## rewrite patches/ and series from the commits on dev in $(WORK)
	@scripts/regen.sh $(WORK) dev

clean: ## remove $(ART) (the cache stays; rm -rf $(CACHE) for a cold start)
	rm -rf $(ART)

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 10
