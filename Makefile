# llbitmap-ts: TypeScript -> kernel C for the md lockless bitmap.
#
#   make          install deps, build the kernel tree, md-mod.ko + raid*.ko
#   make demo     ... then boot QEMU and show llbitmap=1 working on raid10
#   make check    ... then run every test in phases, cheapest first
#                 (scripts/check.ts: Node-only tests before any kernel,
#                 the QEMU tests, the debug kernel's tests), with a table of
#                 times at the end and in build/check-times.json
#   make check-debug  only the debug kernel's tests (lockdep, KASAN,
#                 DEBUG_ATOMIC_SLEEP, DEBUG_OBJECTS_WORK: qemu/kernel-debug.config)
#   make check-full   make check, then the complete mdadm suite (00-07 with
#                 01raid6integ), make crash-tests, make sim-long and
#                 make interop-tests
#   make bench    fio in the guest: none vs classic vs llbitmap (QUICK=1: <5 min;
#                 REPS=N rounds)
#   make bench-peer  the same beside mainline 7.3's llbitmap (make
#                 kernel-mainline), alternating boots, ratio of ratios
#   make mdadm-tests  mdadm's own test suite (families 00-07), classic
#                 bitmap and llbitmap=1, table in build/mdadm-tests/latest/
#   make interop-tests  arrays moved between this module and mainline 7.3's
#                 lockless bitmap (Debian's linux-source-7.3, built by
#                 make kernel-mainline) both ways, mdadm 4.6 from sid's source
#   make crash-tests  record loads on raid1/raid10/raid5 with dm-log-writes
#                 and replay every crash point (>= 10,000 crash states),
#                 then the write-behind kill test (test/qemu/crash*.test.ts)
#
# KDIR=/path/to/tree   build against your own prepared, patched kernel tree
# KTS_CACHE=dir        where built kernel trees are kept, keyed by their
#                      inputs (default ~/.cache/llbitmap-ts; scripts/kernel.sh)
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

# A mainline kernel (Debian's linux-source-7.3) with its own md and
# lockless bitmap: the interop tests' and the peer bench's other side.
MAINLINE_TREE   := $(BUILD)/linux-mainline
MAINLINE_SRC    := $(BUILD)/mainline-src/tarball
MAINLINE_CONFIG := qemu/kernel-mainline.config
MAINLINE_KSTAMP := $(BUILD)/.kernel-mainline.stamp
MAINLINE_GUEST  := $(BUILD)/guest-modules-mainline
MAINLINE_GSTAMP := $(MAINLINE_GUEST)/.stamp

# The debug flavour: its own tree, modules and guest modules.
DEBUG_TREE     := $(BUILD)/linux-6.12-debug
DEBUG_MODDIR   := $(BUILD)/modules-debug
DEBUG_GUESTMOD := $(BUILD)/guest-modules-debug
DEBUG_CONFIG   := qemu/kernel-debug.config

TSX := node_modules/.bin/tsx

DEPS_STAMP   := $(BUILD)/.deps
DEBUG_KSTAMP := $(BUILD)/.kernel-debug.stamp
DEBUG_MSTAMP := $(DEBUG_MODDIR)/.stamp
DEBUG_GSTAMP := $(DEBUG_GUESTMOD)/.stamp
MDADM_STAMP  := $(BUILD)/mdadm/version
# mdadm 4.6 (sid), with --bitmap=lockless: interop with mainline's llbitmap
MDADM46_STAMP := $(BUILD)/mdadm-4.6/version
KERNEL_STAMP := $(BUILD)/.kernel.stamp
MOD_STAMP    := $(MODDIR)/.stamp
GUEST_STAMP  := $(GUESTMOD)/.stamp
GEN_STAMP    := generated/.stamp

COMPILER_SRC := $(shell find compiler -name '*.ts' -o -name '*.hbs' -o -name '*.json' 2>/dev/null)
KMOD_SRC     := $(shell find kmod-src -name '*.ts' 2>/dev/null)
GENERATED    := $(shell find generated -type f ! -name .stamp 2>/dev/null)
PATCHES      := $(wildcard kmod-src/patches/*.patch)
# the guest's test-only dm-log-writes (scripts/guest-modules.sh)
TEST_PATCHES := $(wildcard qemu/patches/*.patch)

.PHONY: all deps kernel kernel-debug kernel-mainline modules guest-modules guest-modules-debug generated demo check check-debug check-full sim-long fuzz-compiler bench bench-peer mdadm mdadm-tests crash-tests interop-tests bench-profile clean distclean

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
	@touch $@
else
$(KERNEL_STAMP):
	@test -f $(KDIR)/Module.symvers || { echo "KDIR=$(KDIR) is not a built kernel tree"; exit 1; }
	@touch $@
endif

modules: $(MOD_STAMP)
$(MOD_STAMP): $(KERNEL_STAMP) $(GEN_STAMP) $(GENERATED) $(PATCHES) Kbuild scripts/modules.sh
	@scripts/modules.sh $(KDIR) $(MODDIR)
	@touch $@

guest-modules: $(GUEST_STAMP)
$(GUEST_STAMP): $(MOD_STAMP) scripts/guest-modules.sh $(TEST_PATCHES)
	@scripts/guest-modules.sh $(KDIR) $(MODDIR) $(GUESTMOD)
	@touch $@

kernel-debug: $(DEBUG_KSTAMP)
$(DEBUG_KSTAMP): $(DEPS_STAMP) $(GEN_STAMP) $(KCONFIG) $(DEBUG_CONFIG) scripts/kernel.sh
	@scripts/kernel.sh $(DEBUG_TREE) $(KCONFIG) $(DEBUG_CONFIG)
	@touch $@

$(DEBUG_MSTAMP): $(DEBUG_KSTAMP) $(GEN_STAMP) $(GENERATED) $(PATCHES) Kbuild scripts/modules.sh
	@scripts/modules.sh $(DEBUG_TREE) $(DEBUG_MODDIR)
	@touch $@

guest-modules-debug: $(DEBUG_GSTAMP)
$(DEBUG_GSTAMP): $(DEBUG_MSTAMP) scripts/guest-modules.sh $(TEST_PATCHES)
	@scripts/guest-modules.sh $(DEBUG_TREE) $(DEBUG_MODDIR) $(DEBUG_GUESTMOD)
	@touch $@

kernel-mainline: $(MAINLINE_GSTAMP)
$(MAINLINE_SRC): $(DEPS_STAMP) scripts/mainline-src.sh
	@scripts/mainline-src.sh $(BUILD)/mainline-src
# qemu/kernel.config as 7.3 names its options (PROC_SYSCTL became SYSCTL)
$(MAINLINE_KSTAMP): $(MAINLINE_SRC) $(KCONFIG) $(MAINLINE_CONFIG) scripts/kernel.sh
	@sed 's/^CONFIG_PROC_SYSCTL=/CONFIG_SYSCTL=/' $(KCONFIG) > $(BUILD)/kernel-mainline-base.config
	@KTS_TARBALL=$$(cat $(MAINLINE_SRC)) scripts/kernel.sh $(MAINLINE_TREE) build/kernel-mainline-base.config $(MAINLINE_CONFIG)
	@touch $@
$(MAINLINE_GSTAMP): $(MAINLINE_KSTAMP) scripts/guest-modules.sh
	@scripts/guest-modules.sh $(MAINLINE_TREE) - $(MAINLINE_GUEST)
	@touch $@

# mdadm's source with its test suite, from Debian, built (scripts/mdadm-src.sh);
# and sid's 4.6, which asks for the lockless bitmap as mainline does
mdadm: $(MDADM_STAMP) $(MDADM46_STAMP)
$(MDADM_STAMP): $(DEPS_STAMP) scripts/mdadm-src.sh
	@scripts/mdadm-src.sh $(BUILD)/mdadm
$(MDADM46_STAMP): $(DEPS_STAMP) scripts/mdadm-src.sh
	@scripts/mdadm-src.sh $(BUILD)/mdadm-4.6 sid

# the 00-07 families of mdadm's suite, classic bitmap and llbitmap=1
mdadm-tests: $(GUEST_STAMP) $(MDADM_STAMP)
	@$(TSX) qemu/mdadm-tests.ts

demo: $(GUEST_STAMP)
	@$(TSX) qemu/demo.ts

# All tests, in phases (scripts/check.ts): deps first, timed from here.
ifeq ($(KDIR),$(KTREE))
CHECK_FLAGS :=
else
CHECK_FLAGS := --no-debug
endif
check:
	@since=$$(date +%s%3N); $(MAKE) --no-print-directory deps && $(TSX) scripts/check.ts --since=$$since $(CHECK_FLAGS)

# The debug kernel's phases of make check alone.
check-debug:
	@since=$$(date +%s%3N); $(MAKE) --no-print-directory deps && $(TSX) scripts/check.ts --since=$$since --debug-only

# What CI cannot afford, after make check: the whole mdadm suite, the
# crash tests' full rounds, the simulator's long run, and the interop
# tests with mainline's lockless bitmap (a second kernel to build).
check-full: check
	@$(MAKE) --no-print-directory mdadm-tests crash-tests sim-long interop-tests

# Arrays moved between this module and mainline 7.3's llbitmap, both ways
# (test/qemu/interop.test.ts)
interop-tests: $(GUEST_STAMP) $(MAINLINE_GSTAMP) $(MDADM46_STAMP)
	@node_modules/.bin/vitest run test/qemu/interop.test.ts

# The simulator's property tests at 20x make check's sequences, and the
# interleavings up to three preemptions.
SIM_RUNS ?= 200000
sim-long: $(DEPS_STAMP)
	@KTS_SIM_RUNS=$(SIM_RUNS) KTS_SIM_BOUND=3 node_modules/.bin/vitest run --testTimeout=0 test/sim

# ktsc's differential tests at length: PROGRAMS random programs from SEED
# (make check runs 2,000 from seed 1515); prints programs/s.
PROGRAMS ?= 10000
SEED ?= $(shell date +%s)
fuzz-compiler: $(DEPS_STAMP)
	@KTS_DIFF_PROGRAMS=$(PROGRAMS) KTS_DIFF_SEED=$(SEED) node_modules/.bin/vitest run test/compiler/differential.test.ts -t 'random programs of'

# Crash consistency: every crash point of the logged loads (make check
# replays a sample of them, >= 500 states), longer loads, raid10's re-add.
crash-tests: $(GUEST_STAMP)
	@KTS_REPLAY_FULL=1 node_modules/.bin/vitest run test/qemu/crash-replay.test.ts test/qemu/crash.test.ts

bench: $(GUEST_STAMP)
	@$(TSX) qemu/bench.ts $(if $(QUICK),--quick) $(if $(REPS),--reps=$(REPS))

# the same plan, none and llbitmap, beside mainline 7.3's llbitmap, alternating
# boots (QUICK=1: short; REPS=N: rounds per kernel; CHUNK=KIB: this module's
# llbitmap arrays by mdadm --bitmap-chunk, larger than the 64 KiB both pick)
bench-peer: $(GUEST_STAMP) $(MAINLINE_GSTAMP) $(MDADM46_STAMP)
	@$(TSX) qemu/bench.ts --peer $(if $(QUICK),--quick) $(if $(CHUNK),--chunk=$(CHUNK)) $(if $(REPS),--reps=$(REPS))

# perf in the guest over 4k random writes, none beside llbitmap on raid1 and
# raid10: build/bench-profile/<ts>/ours/profile.md (PEER=1: mainline's too;
# CHUNK=KIB: this module's llbitmap chunk)
bench-profile: $(GUEST_STAMP) $(MDADM46_STAMP) $(if $(PEER),$(MAINLINE_GSTAMP))
	@$(TSX) qemu/bench.ts --profile $(if $(PEER),--peer) $(if $(CHUNK),--chunk=$(CHUNK))

clean:
	rm -rf $(BUILD)/md-src $(MODDIR) $(GUESTMOD) $(DEBUG_MODDIR) $(DEBUG_GUESTMOD) $(BUILD)/runs

distclean:
	rm -rf $(BUILD) node_modules
