#!/bin/bash
# Build md-mod.ko (md + classic bitmap + llbitmap + md_meta), the raid
# personalities and dm-raid out of tree against a kernel tree.
#
# Usage: scripts/modules.sh <kdir> <out-dir>
# The md/raid sources are copied from <kdir>/drivers/md, the hand-written
# glue patches in kmod-src/patches/ are applied, and the compiler's output in
# generated/ is added. The personalities are rebuilt because the glue changes
# the layout of struct mddev and struct bitmap_operations.
set -euo pipefail

kdir=$1
out=$2
top=$(pwd)
src=$top/build/md-src
logdir=$top/build/logs
mkdir -p "$logdir" "$out"

if [[ ! -f $kdir/Module.symvers ]]; then
	echo "modules: $kdir is not a built kernel tree (no Module.symvers)" >&2
	exit 1
fi
if ! grep -q 'bdev_file_alloc' "$kdir/Module.symvers"; then
	echo "modules: $kdir does not export bdev_file_alloc(); apply generated/kernel/*.patch to it and rebuild" >&2
	exit 1
fi

rm -rf "$src"
mkdir -p "$src"
for f in md.c md.h md-bitmap.c md-bitmap.h md-cluster.h raid0.c raid0.h \
	 raid1.c raid1.h raid1-10.c raid10.c raid10.h raid5.c raid5.h \
	 raid5-log.h raid5-cache.c raid5-ppl.c dm-raid.c; do
	cp "$kdir/drivers/md/$f" "$src/"
done
for p in kmod-src/patches/*.patch; do
	[[ -e $p ]] || continue
	if ! patch -d "$src" -p3 --forward --no-backup-if-mismatch -s < "$p"; then
		echo "modules: $p does not apply to $kdir/drivers/md" >&2
		exit 1
	fi
done
cp generated/md/*.c generated/md/*.h "$src/" 2>/dev/null || true
cp Kbuild "$src/Kbuild"

echo "modules: building md-mod.ko raid0.ko raid1.ko raid10.ko raid456.ko dm-raid.ko against $kdir"
if ! make -C "$kdir" M="$src" -j"$(nproc)" modules >"$logdir/modules-build.log" 2>&1; then
	echo "modules: build failed; build/logs/modules-build.log says:" >&2
	grep -E "error|warning" "$logdir/modules-build.log" | head -40 >&2 || true
	tail -20 "$logdir/modules-build.log" >&2
	exit 1
fi
if grep -E "warning:" "$logdir/modules-build.log" >&2; then
	echo "modules: warnings in the build (above)" >&2
	exit 1
fi
cp "$src"/*.ko "$out/"
echo "modules: $(cd "$out" && ls *.ko | tr '\n' ' ')in $out"
