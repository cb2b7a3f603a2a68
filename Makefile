# llbitmap-ts: TypeScript -> kernel C for the md lockless bitmap.
#
#   make          install deps, build the kernel tree, md-mod.ko + raid*.ko
#   make demo     ... then boot QEMU and show llbitmap=1 working on raid10
#   make check    ... then run every test (vitest: compiler, build, QEMU),
#                 and the llbitmap QEMU tests again on a debug kernel
#   make check-debug  only those, on the debug kernel (lockdep, KASAN,
#                 DEBUG_ATOMIC_SLEEP, DEBUG_OBJECTS_WORK: qemu/kernel-debug.config)
#   make bench    fio in the guest: none vs classic vs llbitmap (QUICK=1: <5 min)
#   make mdadm-tests  mdadm's own test suite (families 00-07), classic
#                 bitmap and llbitmap=1, table in build/mdadm-tests/latest/
#   make crash-tests  kill the guest under load CRASH_ROUNDS (20) times per
#                 level; check the bitmap against the members from the host
#
# KDIR=/path/to/tree   build against your own prepared, patched kernel tree
# QEMU_ACCEL=tcg|kvm   force an accelerator (default: tcg unless a KVM probe
#                      boot succeeds)

SHELL := /bin/bash
.DEFAULT_GOAL := all
.DELETE_ON_ERROR:

BUILD    := $(CURDIR)/build
KTREE    := $(BUILD)/linux-6.12
KDIR     ?= $(KTREE)
MODDIR   := $(BUILD)/modules
GUESTMOD := $(BUILD)/guest-modules
KCONFIG  ?= qemu/kernel.config
export KDIR MODDIR GUESTMOD

# The debug flavour: its own tree, modules and guest modules.
DEBUG_TREE     := $(BUILD)/linux-6.12-debug
DEBUG_MODDIR   := $(BUILD)/modules-debug
DEBUG_GUESTMOD := $(BUILD)/guest-modules-debug
DEBUG_CONFIG   := qemu/kernel-debug.config

TSX := node_modules/.bin/tsx

DEPS_STAMP   := $(BUILD)/.deps
DEBUG_KSTAMP := $(DEBUG_TREE)/.kts-built
DEBUG_MSTAMP := $(DEBUG_MODDIR)/.stamp
DEBUG_GSTAMP := $(DEBUG_GUESTMOD)/.stamp
MDADM_STAMP  := $(BUILD)/mdadm/version
KERNEL_STAMP := $(KDIR)/.kts-built
MOD_STAMP    := $(MODDIR)/.stamp
GUEST_STAMP  := $(GUESTMOD)/.stamp
GEN_STAMP    := generated/.stamp

COMPILER_SRC := $(shell find compiler -name '*.ts' -o -name '*.hbs' -o -name '*.json' 2>/dev/null)
KMOD_SRC     := $(shell find kmod-src -name '*.ts' 2>/dev/null)
GENERATED    := $(shell find generated -type f ! -name .stamp 2>/dev/null)
PATCHES      := $(wildcard kmod-src/patches/*.patch)

.PHONY: all deps kernel kernel-debug modules generated demo check check-debug bench mdadm mdadm-tests crash-tests clean distclean

all: modules
	@echo "md-mod.ko and the raid personalities are in $(MODDIR)/"

deps: $(DEPS_STAMP)
$(DEPS_STAMP): scripts/deps.sh package.json package-lock.json
	@mkdir -p $(BUILD)
	@scripts/deps.sh
	@touch $@

# generated/ is committed; regenerate it when the TypeScript or the compiler
# changes (ktsc writes only files whose text changed).
generated: $(GEN_STAMP)
$(GEN_STAMP): $(DEPS_STAMP) $(COMPILER_SRC) $(KMOD_SRC)
	@node compiler/bin/ktsc.js kmod-src -o generated
	@touch $@

kernel: $(KERNEL_STAMP)
ifeq ($(KDIR),$(KTREE))
$(KERNEL_STAMP): $(DEPS_STAMP) $(GEN_STAMP) $(KCONFIG) scripts/kernel.sh
	@scripts/kernel.sh $(KTREE) $(KCONFIG)
else
$(KERNEL_STAMP):
	@test -f $(KDIR)/Module.symvers || { echo "KDIR=$(KDIR) is not a built kernel tree"; exit 1; }
	@touch $@
endif

modules: $(MOD_STAMP)
$(MOD_STAMP): $(KERNEL_STAMP) $(GEN_STAMP) $(GENERATED) $(PATCHES) Kbuild scripts/modules.sh
	@scripts/modules.sh $(KDIR) $(MODDIR)
	@touch $@

$(GUEST_STAMP): $(MOD_STAMP) scripts/guest-modules.sh
	@scripts/guest-modules.sh $(KDIR) $(MODDIR) $(GUESTMOD)
	@touch $@

kernel-debug: $(DEBUG_KSTAMP)
$(DEBUG_KSTAMP): $(DEPS_STAMP) $(GEN_STAMP) $(KCONFIG) $(DEBUG_CONFIG) scripts/kernel.sh
	@scripts/kernel.sh $(DEBUG_TREE) $(KCONFIG) $(DEBUG_CONFIG)

$(DEBUG_MSTAMP): $(DEBUG_KSTAMP) $(GEN_STAMP) $(GENERATED) $(PATCHES) Kbuild scripts/modules.sh
	@scripts/modules.sh $(DEBUG_TREE) $(DEBUG_MODDIR)
	@touch $@

$(DEBUG_GSTAMP): $(DEBUG_MSTAMP) scripts/guest-modules.sh
	@scripts/guest-modules.sh $(DEBUG_TREE) $(DEBUG_MODDIR) $(DEBUG_GUESTMOD)
	@touch $@

# mdadm's source with its test suite, from Debian, built (scripts/mdadm-src.sh)
mdadm: $(MDADM_STAMP)
$(MDADM_STAMP): $(DEPS_STAMP) scripts/mdadm-src.sh
	@scripts/mdadm-src.sh $(BUILD)/mdadm

# the 00-07 families of mdadm's suite, classic bitmap and llbitmap=1
mdadm-tests: $(GUEST_STAMP) $(MDADM_STAMP)
	@$(TSX) qemu/mdadm-tests.ts

demo: $(GUEST_STAMP)
	@$(TSX) qemu/demo.ts

# The QEMU tests that exercise the bitmap, again on the debug kernel.
DEBUG_TESTS := test/qemu/llbitmap.test.ts test/qemu/md-cycle.test.ts

ifeq ($(KDIR),$(KTREE))
check: $(GUEST_STAMP) $(DEBUG_GSTAMP) $(MDADM_STAMP)
	@node_modules/.bin/vitest run
	@$(MAKE) --no-print-directory check-debug
else
check: $(GUEST_STAMP) $(MDADM_STAMP)
	@node_modules/.bin/vitest run
	@echo "check: KDIR is your own tree; the debug-kernel run (make check-debug) needs the project's tree"
endif

check-debug: $(DEBUG_GSTAMP)
	@echo "check-debug: $(DEBUG_TESTS) on $(DEBUG_TREE)"
	@KDIR=$(DEBUG_TREE) GUESTMOD=$(DEBUG_GUESTMOD) KTS_FLAVOUR=debug node_modules/.bin/vitest run $(DEBUG_TESTS)

# Crash consistency at many kill points (make check runs 3 per level).
CRASH_ROUNDS ?= 20
crash-tests: $(GUEST_STAMP)
	@KTS_CRASH_ROUNDS=$(CRASH_ROUNDS) node_modules/.bin/vitest run test/qemu/crash.test.ts

bench: $(GUEST_STAMP)
	@$(TSX) qemu/bench.ts $(if $(QUICK),--quick)

clean:
	rm -rf $(BUILD)/md-src $(MODDIR) $(GUESTMOD) $(DEBUG_MODDIR) $(DEBUG_GUESTMOD) $(BUILD)/runs

distclean:
	rm -rf $(BUILD) node_modules
