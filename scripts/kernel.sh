#!/bin/bash
# Prepare build/linux-6.12 from Debian's linux-source-6.12: unpack, apply the
# project's kernel patches (generated/kernel/*.patch), configure with
# tinyconfig + qemu/kernel.config, build bzImage and modules.
#
# Usage: scripts/kernel.sh <tree> <config-fragment>...
# The tree is rebuilt from scratch only when the tarball or the patches
# change; a config change rebuilds incrementally.
set -euo pipefail

tree=$1; shift
fragments=("$@")
top=$(pwd)
tarball=/usr/src/linux-source-6.12.tar.xz
logdir=$top/build/logs
name=$(basename "$tree")
mkdir -p "$logdir"

[[ -f $tarball ]] || { echo "kernel: $tarball missing (Debian package linux-source-6.12)" >&2; exit 1; }

# Identity of the unpacked, patched source.
src_id=$( { stat -c '%s %Y' "$tarball"; cat generated/kernel/*.patch; } | sha256sum | cut -c1-16)
if [[ ! -f $tree/.kts-src ]] || [[ $(cat "$tree/.kts-src") != "$src_id" ]]; then
	echo "kernel: unpacking $tarball into $tree"
	rm -rf "$tree" "$tree.tmp"
	mkdir -p "$tree.tmp"
	tar -C "$tree.tmp" -xf "$tarball"
	mv "$tree.tmp"/linux-source-6.12 "$tree"
	rmdir "$tree.tmp"
	for p in generated/kernel/*.patch; do
		echo "kernel: applying $p"
		patch -d "$tree" -p1 --forward --no-backup-if-mismatch -s < "$p"
	done
	echo "$src_id" > "$tree/.kts-src"
fi

cfg_id=$(cat "${fragments[@]}" | sha256sum | cut -c1-16)
if [[ ! -f $tree/.kts-config ]] || [[ $(cat "$tree/.kts-config") != "$cfg_id" ]]; then
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
	rm -f "$tree/.kts-built"
	echo "$cfg_id" > "$tree/.kts-config"
fi

[[ -f $tree/.kts-built ]] && exit 0

# Build with a progress line every ~10% instead of thousands of CC lines.
total=$(cat "$tree/.kts-ncc" 2>/dev/null || echo 2600)
echo "kernel: building bzImage + modules with $(nproc) jobs (log: build/logs/$name-build.log)"
start=$SECONDS
set +e
make -C "$tree" -j"$(nproc)" bzImage modules 2>&1 | tee "$logdir/$name-build.log" | awk -v total="$total" -v start="$start" '
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
n=$(cat "$tree/.kts-ncc.new"); (( n > 1000 )) && echo "$n" > "$tree/.kts-ncc"; rm -f "$tree/.kts-ncc.new"
echo "kernel: done in $((SECONDS - start)) s: $tree/arch/x86/boot/bzImage"
touch "$tree/.kts-built"
