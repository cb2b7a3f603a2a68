#!/bin/bash
# Prepare a kernel tree from Debian's linux-source-6.12: unpack, apply the
# project's kernel patches (generated/kernel/*.patch), configure with
# tinyconfig + the config fragments, build bzImage and modules.
#
# Usage: scripts/kernel.sh <link> <config-fragment>...
#   KTS_TARBALL=path   another linux-source-X.Y.tar.xz (mainline's llbitmap:
#                      scripts/mainline-src.sh), built without our patches
#
# Built trees live in a cache outside the clone, one per set of inputs:
# $KTS_CACHE (default ~/.cache/llbitmap-ts)/kernel/<name>-<key>, where the
# key hashes the tarball, the patches, the fragments, the compiler's
# version and this script. <link> (build/linux-6.12) becomes a symlink to
# that tree, so a second clone on the same machine builds no kernel it has
# built before; an interrupted build resumes where it stopped. The last
# KTS_CACHE_KEEP (3) trees of each name are kept.
set -euo pipefail

link=$1; shift
fragments=("$@")
top=$(pwd)
tarball=${KTS_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
srcdir=$(basename "$tarball" .tar.xz)
if [[ -n ${KTS_TARBALL:-} ]]; then
	kpatches=()
else
	kpatches=(generated/kernel/*.patch)
fi
logdir=$top/build/logs
name=$(basename "$link")
cache=${KTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/llbitmap-ts}/kernel
keep=${KTS_CACHE_KEEP:-3}
mkdir -p "$logdir" "$cache" "$(dirname "$link")"

[[ -f $tarball ]] || { echo "kernel: $tarball missing (Debian package ${srcdir})" >&2; exit 1; }
command -v gcc >/dev/null || { echo "kernel: gcc missing (Debian package build-essential)" >&2; exit 1; }

# Everything the built tree depends on, hashed.
key=$( {
	echo "tarball $(sha256sum < "$tarball")"
	# what the patches change, not their commit messages
	for p in "${kpatches[@]}"; do echo "patch $p"; sed -n '/^diff --git/,$p' "$p"; done
	for f in "${fragments[@]}"; do echo "fragment $f"; cat "$f"; done
	gcc --version | head -1
	ld --version | head -1
	sha256sum < "$0"
} | sha256sum | cut -c1-16)
tree=$cache/$name-$key

# One builder per tree: a second clone waits for the first to finish.
exec 9>"$tree.lock"
if ! flock -n 9; then
	echo "kernel: waiting for another build of $tree"
	flock 9
fi

# (a tree unpacked in the clone by an older scripts/kernel.sh goes)
[[ -d $link && ! -L $link ]] && rm -rf "$link"
ln -sfn "$tree" "$link.tmp" && mv -T "$link.tmp" "$link"
touch -c "$tree"   # most recently used, for the eviction below

if [[ -f $tree/.kts-built ]]; then
	echo "kernel: cache hit: $name is $tree (built $(date -r "$tree/.kts-built" '+%F %R'))"
	exit 0
fi
echo "kernel: cache miss: building $name into $tree"

if [[ ! -f $tree/.kts-src ]]; then
	echo "kernel: unpacking $tarball"
	rm -rf "$tree" "$tree.tmp"
	mkdir -p "$tree.tmp"
	tar -C "$tree.tmp" -xf "$tarball"
	mv "$tree.tmp/$srcdir" "$tree"
	rmdir "$tree.tmp"
	for p in "${kpatches[@]}"; do
		echo "kernel: applying $p"
		patch -d "$tree" -p1 --forward --no-backup-if-mismatch -s < "$p"
	done
	touch "$tree/.kts-src"
fi

if [[ ! -f $tree/.kts-config ]]; then
	echo "kernel: configuring (tinyconfig + ${fragments[*]})"
	make -C "$tree" -s tinyconfig >/dev/null
	"$tree"/scripts/kconfig/merge_config.sh -m -O "$tree" "$tree/.config" "${fragments[@]/#/$top/}" >"$logdir/$name-config.log" 2>&1
	make -C "$tree" -s olddefconfig >/dev/null
	# Every option the fragments ask for must have survived olddefconfig.
	bad=0
	while read -r line; do
		if [[ $line =~ ^(CONFIG_[A-Z0-9_]+)=(.*)$ ]]; then
			want="${BASH_REMATCH[1]}=${BASH_REMATCH[2]}"
			grep -qx "$want" "$tree/.config" || { echo "kernel: $want did not take (got: $(grep "^${BASH_REMATCH[1]}=" "$tree/.config" || echo unset))" >&2; bad=1; }
		elif [[ $line =~ ^#\ (CONFIG_[A-Z0-9_]+)\ is\ not\ set$ ]]; then
			! grep -q "^${BASH_REMATCH[1]}=" "$tree/.config" || { echo "kernel: ${BASH_REMATCH[1]} should be unset" >&2; bad=1; }
		fi
	done < <(cat "${fragments[@]}")
	((bad == 0)) || exit 1
	touch "$tree/.kts-config"
fi

# Build with a progress line every ~10% instead of thousands of CC lines.
total=$(cat "$cache/$name.ncc" 2>/dev/null || echo 2000)
echo "kernel: building bzImage + modules with $(nproc) jobs (log: build/logs/$name-build.log)"
start=$SECONDS
set +e
make -C "$tree" -j"$(nproc)" bzImage modules 2>&1 | tee "$logdir/$name-build.log" | awk -v total="$total" '
	/^  (CC|AS|AR|LD)/ { n++; pct = int(n * 100 / total); if (pct > 99) pct = 99
		if (pct >= next_pct) { printf "kernel: %3d%% (%d steps)\n", pct, n; fflush(); next_pct = pct + 10 } }
	END { print n > "/dev/stderr" }' 2>"$tree/.kts-ncc.new"
rc=${PIPESTATUS[0]}
set -e
if ((rc != 0)); then
	echo "kernel: build failed; last lines of build/logs/$name-build.log:" >&2
	grep -E "error|Error" "$logdir/$name-build.log" | head -20 >&2 || true
	tail -30 "$logdir/$name-build.log" >&2
	exit 1
fi
# Remember this build's step count only when it was a full build.
n=$(cat "$tree/.kts-ncc.new"); (( n > 1000 )) && echo "$n" > "$cache/$name.ncc"; rm -f "$tree/.kts-ncc.new"
echo "kernel: done in $((SECONDS - start)) s: $tree/arch/x86/boot/bzImage"
touch "$tree/.kts-built"

# Evict all but the $keep most recently used trees of this name (not one
# that another clone is building: its lock is held).
ls -1dt "$cache/$name"-???????????????? 2>/dev/null | tail -n +$((keep + 1)) | while read -r old; do
	exec 8>"$old.lock"
	if flock -n 8; then
		echo "kernel: evicting $old"
		rm -rf "$old" "$old.lock"
	fi
	exec 8>&-
done
