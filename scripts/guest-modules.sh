#!/bin/bash
# Lay out /lib/modules/<release> for the guest: the in-tree modules the
# scenarios need (brd, loop, raid456's async_tx/raid6 helpers) and the
# project's md-mod.ko + personalities, then run depmod. dm-log-writes.ko is
# the tree's with qemu/patches/dm-log-writes-completion-order.patch, for the
# crash-replay tests: it replaces the tree's in the guest only.
#
# Usage: scripts/guest-modules.sh <kdir> <module-dir> <out-root>
#   <module-dir> "-": the tree's own md and nothing of ours (a mainline
#   kernel with its own lockless bitmap, scripts/mainline-src.sh)
set -euo pipefail
kdir=$1
mods=$2
root=$3
rel=$(make -s -C "$kdir" kernelrelease)
dst=$root/lib/modules/$rel
rm -rf "$root"
mkdir -p "$dst/kernel" "$dst/extra"
# Everything the tree built except its own md modules, which ours replace
# (device-mapper stays: the fault tests use it).
own='/drivers/md/(md-mod|raid[0-9]+|md-linear|md-cluster|dm-raid|dm-log-writes)\.ko$'
[[ $mods == - ]] && own='^$'
(cd "$kdir" && find . -name '*.ko' ! -path './build/*') | grep -Ev "$own" | while read -r ko; do
	mkdir -p "$dst/kernel/$(dirname "$ko")"
	cp "$kdir/$ko" "$dst/kernel/$ko"
done
if [[ $mods == - ]]; then
	cp "$kdir/modules.order" "$kdir/modules.builtin" "$kdir/modules.builtin.modinfo" "$dst/" 2>/dev/null || true
	depmod -b "$root" "$rel"
	echo "$rel" > "$root/release"
	exit 0
fi
cp "$mods"/*.ko "$dst/extra/"

dlw=$(pwd)/build/dm-log-writes-$(basename "$kdir")
rm -rf "$dlw"
mkdir -p "$dlw"
cp "$kdir/drivers/md/dm-log-writes.c" "$dlw/"
patch -d "$dlw" -p3 --forward --no-backup-if-mismatch -s < qemu/patches/dm-log-writes-completion-order.patch ||
	{ echo "guest-modules: qemu/patches/dm-log-writes-completion-order.patch does not apply to $kdir" >&2; exit 1; }
echo 'obj-m += dm-log-writes.o' > "$dlw/Kbuild"
if ! make -C "$kdir" M="$dlw" -j"$(nproc)" modules > "$dlw/build.log" 2>&1; then
	echo "guest-modules: building the test dm-log-writes.ko failed:" >&2
	tail -20 "$dlw/build.log" >&2
	exit 1
fi
cp "$dlw/dm-log-writes.ko" "$dst/extra/"
cp "$kdir/modules.order" "$kdir/modules.builtin" "$kdir/modules.builtin.modinfo" "$dst/" 2>/dev/null || true
depmod -b "$root" "$rel"
echo "$rel" > "$root/release"
