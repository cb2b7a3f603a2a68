#!/bin/bash
# Lay out /lib/modules/<release> for the guest: the in-tree modules the
# scenarios need (brd, loop, raid456's async_tx/raid6 helpers) and the
# project's md-mod.ko + personalities, then run depmod.
#
# Usage: scripts/guest-modules.sh <kdir> <module-dir> <out-root>
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
(cd "$kdir" && find . -name '*.ko' ! -path './build/*') | grep -Ev '/drivers/md/(md-mod|raid[0-9]+|md-linear|md-cluster|dm-raid)\.ko$' | while read -r ko; do
	mkdir -p "$dst/kernel/$(dirname "$ko")"
	cp "$kdir/$ko" "$dst/kernel/$ko"
done
cp "$mods"/*.ko "$dst/extra/"
cp "$kdir/modules.order" "$kdir/modules.builtin" "$kdir/modules.builtin.modinfo" "$dst/" 2>/dev/null || true
depmod -b "$root" "$rel"
echo "$rel" > "$root/release"
