# llbitmap-placement CASE: a member whose superblock puts the bitmap on its
# data (corrupt or hostile). The bitmap must not write there: the classic
# bitmap checks each write; main wrote a new or loaded bitmap wherever the
# offset pointed, up to 128 KiB of user data on every member.
#   v1.2   the bitmap offset points 32 MiB into the data, where the data
#          holds a copy of the array's own bitmap (a backup, say): assembly
#          is refused with a message, the data region is byte-identical;
#          --update=no-bitmap and --grow --bitmap=internal recover
#   v1.0   the same with metadata 1.0: a negative offset from the
#          superblock at the end of the member reaching back into the data
#   spare  a spare whose data offset puts its data on the bitmap: when it
#          joins the array to recover a failed member the bitmap fails it
#          instead of writing over what recovery copies there
set -e
case_=$1
MB=24

pattern_write() {
	head -c $((MB << 20)) /dev/urandom > /tmp/pattern
	dd if=/tmp/pattern of="$1" bs=1M oflag=direct status=none
}
pattern_ok() { cmp -s /tmp/pattern <(dd if="$1" bs=1M count=$MB iflag=direct status=none); }
kind() { kts_bitmap_kind "$1"; }
examine() { mdadm --examine "$1" | awk -v k="$2" -F' : ' '$1 ~ k { split($2, a, " "); print a[1] }'; }
# md5 of a member's data region (from its data offset to the end)
data_md5() { dd if="$1" bs=512 skip="$2" iflag=direct status=none | md5sum; }
wait_idle() {
	local i
	for i in $(seq 1 600); do
		[[ $(cat "/sys/block/$1/md/sync_action") == idle ]] && ! grep -q "recovery\|resync" /proc/mdstat && return 0
		sleep 0.2
	done
	kts_fail "$1 did not finish syncing: $(cat /proc/mdstat)"
}

kts_load_md 1
kts_brd 3 64

# refused MSG DEVS...: assembly is refused with MSG in dmesg and the data
# regions are unchanged (on old code: whatever was assembled is written to
# and stopped before the comparison)
refused() {
	local devs=("$@") d before=() i=0
	for d in "${devs[@]}"; do before+=("$(data_md5 "$d" "${doff[$d]}")"); done
	dmesg -C
	if mdadm --assemble /dev/md0 "${devs[@]}" > /tmp/assemble.out 2>&1; then
		echo "assembled: $(cat /proc/mdstat)"
		dd if=/dev/urandom of=/dev/md0 bs=1M count=1 seek=$((MB + 1)) oflag=direct status=none || true
		mdadm --stop /dev/md0
		kts_result assembled_over_data=1
	fi
	cat /tmp/assemble.out
	mdadm --stop /dev/md0 2> /dev/null || true
	for d in "${devs[@]}"; do
		kts_check "the data region of $d is byte-identical" test "$(data_md5 "$d" "${doff[$d]}")" = "${before[$i]}"
		i=$((i + 1))
	done
	kts_check "assembly refused" test "$(cat /sys/block/md0/md/array_state 2> /dev/null || echo gone)" != clean
	dmesg | grep "md/llbitmap: md0: .*would overwrite data or the superblock of" ||
		kts_fail "no message saying why"
}

# with_data MDADM_CREATE_ARGS...: a raid1 md0 with the pattern on it,
# stopped; $space is its bitmap space in sectors
with_data() {
	mdadm --create /dev/md0 --run --level=1 --raid-devices=2 --bitmap=internal "$@" > /dev/null 2>&1
	wait_idle md0
	space=$(kts_llmeta md0 space)
	pattern_write /dev/md0
	mdadm --stop /dev/md0
}

declare -A doff
case $case_ in
v1.2 | v1.0)
	meta=${case_#v}
	with_data --metadata="$meta" /dev/ram0 /dev/ram1
	sb=$(examine /dev/ram0 'Super Offset')
	bo=$(examine /dev/ram0 'Internal Bitmap')
	# 32 MiB into the array, past the pattern: member sector doff + 65536
	for d in /dev/ram0 /dev/ram1; do
		doff[$d]=$(examine "$d" 'Data Offset')
		[[ -n ${doff[$d]} ]] || doff[$d]=0
	done
	target=$((doff[/dev/ram0] + 65536))
	kts_step "metadata $meta: superblock at $sb, bitmap at $bo, data at ${doff[/dev/ram0]}; bitmap offset -> $((target - sb)), a copy of the bitmap there"
	for d in /dev/ram0 /dev/ram1; do
		dd if="$d" of="$d" bs=512 skip=$((sb + bo)) seek="$target" count="$space" conv=notrunc,fsync status=none
		kts_sb1_set "$d" 96 4 $((target - sb))
	done
	refused /dev/ram0 /dev/ram1
	kts_step "the way out: no bitmap, then a new one where mdadm puts it"
	mdadm --assemble /dev/md0 --update=no-bitmap /dev/ram0 /dev/ram1 > /dev/null
	kts_check "assembled without a bitmap" test "$(kind md0)" = none
	mdadm --readwrite /dev/md0
	mdadm --grow /dev/md0 --bitmap=internal
	kts_check "a new lockless bitmap" test "$(kind md0)" = llbitmap
	kts_check "data intact" pattern_ok /dev/md0
	mdadm --stop /dev/md0
	kts_result "refused_$meta=1"
	;;
spare)
	with_data --spare-devices=1 /dev/ram0 /dev/ram1 /dev/ram2
	sb=$(examine /dev/ram2 'Super Offset')
	bo=$(examine /dev/ram2 'Internal Bitmap')
	kts_step "the spare's data offset -> $((sb + bo)), where the bitmap starts"
	kts_sb1_set /dev/ram2 128 8 $((sb + bo))
	mdadm --assemble /dev/md0 /dev/ram0 /dev/ram1 /dev/ram2 > /dev/null
	mdadm --readwrite /dev/md0 2> /dev/null || true
	kts_check "assembled with the spare" grep -q 'ram2\[2\](S)' /proc/mdstat
	dmesg -C
	kts_step "fail ram0: recovery starts onto the spare"
	mdadm /dev/md0 --fail /dev/ram0 > /dev/null
	sleep 1
	wait_idle md0
	cat /proc/mdstat
	# the array's last bitmap writes, then what the spare holds
	mdadm --stop /dev/md0
	if cmp -s /tmp/pattern <(dd if=/dev/ram2 bs=512 skip=$((sb + bo)) count=$((MB << 11)) iflag=direct status=none); then
		spare_data=intact
	else
		spare_data=overwritten
	fi
	kts_result spare_data=$spare_data
	dmesg | grep "md/llbitmap: md0: the bitmap would overwrite data or the superblock of ram2: failing it" ||
		kts_fail "the spare was not failed (its recovered data: $spare_data)"
	mdadm --assemble --run /dev/md0 /dev/ram1 > /dev/null
	kts_check "data intact on the remaining member" pattern_ok /dev/md0
	mdadm --stop /dev/md0
	kts_result spare_failed=1
	;;
*) kts_fail "unknown case $case_" ;;
esac
kts_check "no kernel splat" kts_dmesg_clean
kts_result done=1
