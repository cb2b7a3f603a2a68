# llbitmap-ts: TypeScript -> kernel C for the md lockless bitmap.
#
#   make          install deps, build the kernel tree, md-mod.ko + raid*.ko
#   make demo     ... then boot QEMU and show llbitmap=1 working on raid10
#   make check    ... then run every test (vitest: compiler, build, QEMU)
#   make bench    fio in the guest: none vs classic vs llbitmap
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

TSX := node_modules/.bin/tsx

DEPS_STAMP   := $(BUILD)/.deps
KERNEL_STAMP := $(KDIR)/.kts-built
MOD_STAMP    := $(MODDIR)/.stamp
GUEST_STAMP  := $(GUESTMOD)/.stamp
GEN_STAMP    := generated/.stamp

COMPILER_SRC := $(shell find compiler -name '*.ts' -o -name '*.hbs' -o -name '*.json' 2>/dev/null)
KMOD_SRC     := $(shell find kmod-src -name '*.ts' 2>/dev/null)
GENERATED    := $(shell find generated -type f ! -name .stamp 2>/dev/null)
PATCHES      := $(wildcard kmod-src/patches/*.patch)

.PHONY: all deps kernel modules generated demo check bench mdadm-tests crash-tests clean distclean

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

demo: $(GUEST_STAMP)
	@$(TSX) qemu/demo.ts

check: $(GUEST_STAMP)
	@node_modules/.bin/vitest run

# Crash consistency at many kill points (make check runs 3 per level).
CRASH_ROUNDS ?= 20
crash-tests: $(GUEST_STAMP)
	@KTS_CRASH_ROUNDS=$(CRASH_ROUNDS) node_modules/.bin/vitest run test/qemu/crash.test.ts

bench: $(GUEST_STAMP)
	@$(TSX) qemu/bench.ts $(if $(QUICK),--quick)

clean:
	rm -rf $(BUILD)/md-src $(MODDIR) $(GUESTMOD) $(BUILD)/runs

distclean:
	rm -rf $(BUILD) node_modules
