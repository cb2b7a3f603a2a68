# Helpers for guest scenarios; every scenario script is run with this sourced
# and `set -o pipefail`. Scenarios use `set -e` or check results themselves.

KTS_OUT=${KTS_OUT:-/run/kts}
# No udev runs in the guest: device-mapper makes its /dev/mapper nodes itself.
export DM_DISABLE_UDEV=1

# kts_result KEY=VALUE... : append one JSON record to results.jsonl.
# Values that look like numbers are written as numbers.
kts_result() {
	local json="{" sep="" kv k v
	for kv in "$@"; do
		k=${kv%%=*}; v=${kv#*=}
		if [[ $v =~ ^-?(0|[1-9][0-9]*)(\.[0-9]+)?$ ]]; then
			json+="$sep\"$k\":$v"
		else
			v=${v//\\/\\\\}; v=${v//\"/\\\"}; v=${v//$'\n'/\\n}; v=${v//$'\t'/\\t}
			json+="$sep\"$k\":\"$v\""
		fi
		sep=","
	done
	echo "$json}" >> "$KTS_OUT/results.jsonl"
}

kts_step() { echo "=== $*"; }

kts_fail() {
	echo "FAIL: $*"
	kts_result step=fail message="$*"
	exit 1
}

# kts_check DESCRIPTION COMMAND... : run, record pass/fail, stop on failure.
kts_check() {
	local what=$1; shift
	if "$@"; then
		echo "ok: $what"
		kts_result check="$what" ok=1
	else
		kts_fail "$what"
	fi
}

# kts_load_md LLBITMAP : load md-mod.ko with the given llbitmap= value and
# the personalities (modprobe resolves raid456's helpers).
kts_load_md() {
	modprobe md-mod llbitmap="$1" || kts_fail "modprobe md-mod llbitmap=$1"
	local p
	for p in raid0 raid1 raid10 raid456; do
		modprobe "$p" || kts_fail "modprobe $p"
	done
}

kts_unload_md() {
	local p
	for p in raid456 raid10 raid1 raid0 md-mod; do
		modprobe -r "$p" || return 1
	done
}

# kts_brd COUNT SIZE_MB : COUNT ramdisks /dev/ram0.. of SIZE_MB each.
kts_brd() {
	modprobe brd rd_nr="$1" rd_size=$(($2 * 1024)) max_part=0 || kts_fail "modprobe brd"
}

# kts_dm_linear COUNT : /dev/mapper/m0.. as linear maps of /dev/ram0..:
# device-mapper counts their IO (brd does not) and can swap in a failing
# table.
kts_dm_linear() {
	modprobe dm-mod || kts_fail "modprobe dm-mod"
	local i size
	for ((i = 0; i < $1; i++)); do
		size=$(blockdev --getsz "/dev/ram$i")
		echo "0 $size linear /dev/ram$i 0" | dmsetup create "m$i" || kts_fail "dmsetup create m$i"
	done
}

# kts_sectors_read / kts_sectors_written NAME : sectors moved so far by
# /dev/mapper/NAME (/sys/block/dm-N/stat).
kts_sectors_read() {
	awk '{ print $3 }' "/sys/block/$(dmsetup info -c --noheadings -o blkdevname "$1")/stat"
}
kts_sectors_written() {
	awk '{ print $7 }' "/sys/block/$(dmsetup info -c --noheadings -o blkdevname "$1")/stat"
}

# kts_wait_sync MD [SECONDS] : until MD is idle, in sync and whole again
# (a resync or recovery md has yet to start counts as not finished: md
# starts one a moment after --add or --re-add, and mdadm --wait alone can
# return before it)
kts_wait_sync() {
	local i md=/sys/block/$1/md
	for ((i = 0; i < ${2:-120} * 2; i++)); do
		if [[ $(cat $md/sync_action) == idle && $(cat $md/resync_start) == none &&
		      $(cat $md/degraded) == 0 ]]; then
			return 0
		fi
		sleep 0.5
	done
	kts_fail "$1: sync did not finish in ${2:-120} s: $(cat /proc/mdstat)"
}

# kts_dmesg_clean : no kernel splat so far (the host checks too).
kts_dmesg_clean() {
	! dmesg | grep -E 'BUG: |WARNING: |Oops|Call Trace:|blocked for more than'
}

# kts_bitmap_kind MD : the bitmap that runs MD: none, bitmap (the classic
# one) or llbitmap. md/bitmap_type brackets the running bitmap among the
# choices ("none bitmap [llbitmap]"), or the one a new bitmap would be.
kts_bitmap_kind() {
	# (mainline has no md/bitmap/ on an array the lockless bitmap runs)
	if [[ $(cat "/sys/block/$1/md/bitmap/location" 2> /dev/null) == none ]]; then
		echo none
		return
	fi
	sed -n 's/.*\[\([a-z]*\)\].*/\1/p' "/sys/block/$1/md/bitmap_type"
}

# kts_llmeta MD FIELD : a line-valued llbitmap metadata field (e.g. chunks).
kts_llmeta() {
	awk -v k="$2" '$1 == k { print $2 }' "/sys/block/$1/md/llbitmap/metadata"
}

# kts_bits MD STATE : how many chunks are in STATE (unwritten, clean, dirty,
# "need sync", syncing) according to md/llbitmap/bits.
kts_bits() {
	awk -v k="$2" '{ v = $NF; $NF = ""; sub(/ $/, ""); if ($0 == k) print v }' "/sys/block/$1/md/llbitmap/bits"
}

# kts_member_state DEV CHUNK : the state byte of CHUNK in the bitmap stored
# on member DEV (read raw, O_DIRECT): 0 unwritten, 1 clean, 2 dirty,
# 3 need sync, 4 syncing.
kts_member_state() {
	local dev=$1 chunk=$2 sb off
	sb=$(mdadm --examine "$dev" | awk '/Super Offset/ { print $4 }')
	off=$(kts_llmeta md0 offset)
	local byte=$(( (sb + off) * 512 + 1024 + chunk ))
	# one 4 KiB aligned block around the byte, for O_DIRECT
	dd if="$dev" bs=4096 skip=$((byte / 4096)) count=1 iflag=direct status=none |
		od -An -tu1 -j $((byte % 4096)) -N1 | tr -d ' '
}

# kts_reset : back to a fresh boot's state between two steps of one boot:
# arrays stopped, device-mapper, loop and ramdisks gone, md and the
# personalities unloaded. Says what it could not undo and fails.
kts_reset() {
	local m left
	grep -q '^md' /proc/mdstat 2> /dev/null && mdadm --stop --scan > /dev/null 2>&1
	if grep -q '^md' /proc/mdstat 2> /dev/null; then
		echo "arrays still running: $(grep '^md' /proc/mdstat | tr '\n' ' ')"
		return 1
	fi
	command -v dmsetup > /dev/null && dmsetup remove_all 2> /dev/null
	losetup -D 2> /dev/null
	for m in dm_raid raid456 raid10 raid1 raid0 md_mod brd loop dm_flakey dm_delay dm_log_writes dm_mod; do
		if [[ -d /sys/module/$m ]] && [[ -f /sys/module/$m/refcnt ]]; then
			modprobe -r "$m" 2> /dev/null
		fi
	done
	left=$(for m in md_mod raid0 raid1 raid10 raid456 brd loop dm_mod; do
		[[ -f /sys/module/$m/refcnt ]] && echo -n "$m "; done)
	[[ -z $left ]] || { echo "modules still loaded: $left"; return 1; }
}

# kts_sb1_set DEV BYTE SIZE VALUE : set the SIZE-byte little-endian field at
# BYTE of DEV's md v1.x superblock to VALUE (negative values wrap) and
# recompute the superblock's checksum as md and mdadm do: a member with a
# corrupt superblock that both accept.
kts_sb1_set() {
	local dev=$1 at=$2 size=$3 val=$4 base i le="" sum=0 w max_dev len
	base=$(($(mdadm --examine "$dev" | awk '/Super Offset/ { print $4 }') * 512))
	((base > 0)) || kts_fail "no v1.x superblock on $dev"
	_kts_le() { local v=$1 n=$2 j out=""; for ((j = 0; j < n; j++)); do out+=$(printf '\\x%02x' $(((v >> (8 * j)) & 255))); done; echo "$out"; }
	# shellcheck disable=SC2059
	printf "$(_kts_le "$val" "$size")" | dd of="$dev" bs=1 seek=$((base + at)) conv=notrunc status=none
	printf '\x00\x00\x00\x00' | dd of="$dev" bs=1 seek=$((base + 216)) conv=notrunc status=none
	max_dev=$(dd if="$dev" bs=1 skip=$((base + 220)) count=4 status=none | od -An -tu4 | tr -d ' ')
	len=$((256 + 2 * max_dev))
	for w in $(dd if="$dev" bs=1 skip=$base count=$((len / 4 * 4)) status=none | od -An -v -tu4); do
		sum=$((sum + w))
	done
	if ((len % 4)); then
		sum=$((sum + $(dd if="$dev" bs=1 skip=$((base + len / 4 * 4)) count=2 status=none | od -An -tu2 | tr -d ' ')))
	fi
	sum=$(((sum & 0xffffffff) + (sum >> 32)))
	# shellcheck disable=SC2059
	printf "$(_kts_le "$sum" 4)" | dd of="$dev" bs=1 seek=$((base + 216)) conv=notrunc,fsync status=none
	mdadm --examine "$dev" | grep -q 'Checksum.*correct' || kts_fail "checksum of $dev's superblock not rewritten"
}
