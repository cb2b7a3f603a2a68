# llbitmap-takeover CASE [LEVEL]: arrays md_mod.llbitmap did not create.
# The bitmap on the members decides which bitmap runs an array; the
# parameter decides only what a new bitmap becomes.
#   classic LEVEL  a classic array with data, assembled under llbitmap=1:
#                  it stays classic, and replacing every member with a blank
#                  spare keeps every byte (main took it for a new lockless
#                  bitmap, all Unwritten, and the spares got nothing)
#   both           an llbitmap array and a classic one, assembled together
#                  under llbitmap=0 and then under 1: each keeps its bitmap
#   migrate        classic -> none -> internal with llbitmap=1, and back
#                  with llbitmap=0; data and a spare replacement each time
#   dmraid         a dm-raid raid1 (dmsetup, the raid target) under
#                  llbitmap=1: it activates and passes I/O
#   select         md/bitmap_type names one array's bitmap whatever the
#                  parameter says, as mdadm 4.6 (--bitmap=lockless, sid's,
#                  build/mdadm-4.6) uses it; "none" refuses a bitmap; a
#                  bitmap on the members is run by the bitmap that wrote it
#   garbled        an llbitmap array whose first member's bitmap superblock
#                  is garbled: assembly is refused, saying what to do, and
#                  nothing is written; --update=no-bitmap and --grow
#                  --bitmap=internal then give it a new bitmap, data intact
set -e
case_=$1 level=${2:-1}
MB=24

# pattern: MB MiB of random data in /tmp/pattern, written to the array
pattern_write() {
	head -c $((MB << 20)) /dev/urandom > /tmp/pattern
	dd if=/tmp/pattern of="$1" bs=1M oflag=direct status=none
}
pattern_ok() {
	cmp -s /tmp/pattern <(dd if="$1" bs=1M count=$MB iflag=direct status=none)
}
kind() { kts_bitmap_kind "$1"; }
wait_idle() {
	local i md=/sys/block/$1/md
	for i in $(seq 1 600); do
		if [[ $(cat $md/sync_action) == idle && $(cat $md/degraded) == 0 ]] &&
			! grep -q "recovery\|resync" /proc/mdstat; then
			return 0
		fi
		sleep 0.2
	done
	kts_fail "$1 did not finish syncing: $(cat /proc/mdstat)"
}
check_pass() {
	echo check > "/sys/block/$1/md/sync_action"
	sleep 0.5
	wait_idle "$1"
	cat "/sys/block/$1/md/mismatch_cnt"
}
flip() { echo "$1" > /sys/module/md_mod/parameters/llbitmap; }
# replace every member of md $1 (listed in $2...) with the next blank ramdisk
next_spare=0
replace_all() {
	local md=$1 dev; shift
	for dev in "$@"; do
		mdadm "/dev/$md" --fail "$dev" --remove "$dev" > /dev/null
		mdadm "/dev/$md" --add "/dev/ram$next_spare" > /dev/null
		next_spare=$((next_spare + 1))
		sleep 0.5
		wait_idle "$md"
	done
}
create() { # MD LEVEL DEVS...: a new array, resynced
	local md=$1 lvl=$2; shift 2
	mdadm --create "/dev/$md" --run --level="$lvl" --raid-devices=$# --bitmap=internal "$@" > /dev/null 2>&1
	wait_idle "$md"
}

case $case_ in
classic)
	n=$([[ $level == 10 ]] && echo 4 || { [[ $level == 5 ]] && echo 3 || echo 2; })
	kts_load_md 0
	kts_brd $((2 * n)) 64
	devs=()
	for ((i = 0; i < n; i++)); do devs+=("/dev/ram$i"); done
	next_spare=$n
	kts_step "raid$level created with the classic bitmap, $MB MiB of data"
	create md0 "$level" "${devs[@]}"
	kts_check "created classic" test "$(kind md0)" = bitmap
	pattern_write /dev/md0
	mdadm --stop /dev/md0
	kts_step "md_mod.llbitmap=1, assemble: the members' bitmap decides"
	flip 1
	mdadm --assemble /dev/md0 "${devs[@]}" > /dev/null
	kts_result assembled_kind="$(kind md0)"
	kts_check "still classic under llbitmap=1" test "$(kind md0)" = bitmap
	kts_step "replace every member with a blank spare"
	replace_all md0 "${devs[@]}"
	kts_check "every byte on the spares" pattern_ok /dev/md0
	kts_check "check: mismatch_cnt 0" test "$(check_pass md0)" = 0
	mdadm --stop /dev/md0
	kts_result replaced="${#devs[@]}"
	;;
both)
	kts_load_md 1
	kts_brd 4 64
	kts_step "md0 with the lockless bitmap (llbitmap=1), md1 classic (llbitmap=0)"
	create md0 1 /dev/ram0 /dev/ram1
	flip 0
	create md1 1 /dev/ram2 /dev/ram3
	kts_check "md0 llbitmap" test "$(kind md0)" = llbitmap
	kts_check "md1 classic" test "$(kind md1)" = bitmap
	# each array has both md/bitmap/ and md/llbitmap/: the other kind's
	# attributes read nothing of this one's bitmap and change nothing
	kts_check "md1's llbitmap attributes say it has none" grep -qx "no lockless bitmap" /sys/block/md1/md/llbitmap/bits
	if echo 3 > /sys/block/md1/md/llbitmap/daemon_sleep 2> /dev/null; then kts_fail "md1 took an llbitmap tunable"; fi
	kts_check "md0's classic can_clear reads empty" test -z "$(cat /sys/block/md0/md/bitmap/can_clear)"
	kts_check "md0's classic max_backlog_used reads 0" test "$(cat /sys/block/md0/md/bitmap/max_backlog_used)" = 0
	echo 0 > /sys/block/md0/md/bitmap/max_backlog_used
	kts_check "md0's bitmap location shows" test -n "$(cat /sys/block/md0/md/bitmap/location)"
	pattern_write /dev/md0
	cp /tmp/pattern /tmp/pattern0
	pattern_write /dev/md1
	mdadm --stop /dev/md0 /dev/md1
	for p in 0 1; do
		kts_step "both assembled under llbitmap=$p"
		flip $p
		mdadm --assemble /dev/md0 /dev/ram0 /dev/ram1 > /dev/null
		mdadm --assemble /dev/md1 /dev/ram2 /dev/ram3 > /dev/null
		kts_result "md0_under_$p=$(kind md0)" "md1_under_$p=$(kind md1)"
		kts_check "md0 stays llbitmap under llbitmap=$p" test "$(kind md0)" = llbitmap
		kts_check "md1 stays classic under llbitmap=$p" test "$(kind md1)" = bitmap
		kts_check "md1 data" pattern_ok /dev/md1
		mdadm --stop /dev/md0 /dev/md1
	done
	cp /tmp/pattern0 /tmp/pattern
	mdadm --assemble /dev/md0 /dev/ram0 /dev/ram1 > /dev/null
	kts_check "md0 data" pattern_ok /dev/md0
	mdadm --stop /dev/md0
	kts_result both=1
	;;
migrate)
	kts_load_md 0
	kts_brd 8 64
	kts_step "classic raid1 with data"
	create md0 1 /dev/ram0 /dev/ram1
	next_spare=2
	pattern_write /dev/md0
	kts_step "to the lockless bitmap: --grow --bitmap=none, llbitmap=1, --grow --bitmap=internal"
	mdadm --grow /dev/md0 --bitmap=none
	kts_check "no bitmap" test "$(kind md0)" = none
	flip 1
	mdadm --grow /dev/md0 --bitmap=internal
	kts_result to_llbitmap="$(kind md0)" bits="$(tr '\n' ' ' < /sys/block/md0/md/llbitmap/bits)"
	kts_check "now llbitmap" test "$(kind md0)" = llbitmap
	kts_check "no chunk Unwritten: the array holds data" test "$(kts_bits md0 unwritten)" = 0
	kts_check "data intact" pattern_ok /dev/md0
	replace_all md0 /dev/ram0 /dev/ram1
	kts_check "data on the spares" pattern_ok /dev/md0
	kts_check "check: mismatch_cnt 0" test "$(check_pass md0)" = 0
	kts_step "the replacements carry the bitmap: assembled from them alone"
	mdadm --stop /dev/md0
	mdadm --assemble /dev/md0 /dev/ram2 /dev/ram3 > /dev/null
	kts_check "llbitmap from the new members" test "$(kind md0)" = llbitmap
	kts_check "data intact" pattern_ok /dev/md0
	# just assembled: auto-read-only, and md refuses bitmap changes (EBUSY)
	# until it has looked for work to do
	mdadm --readwrite /dev/md0
	sleep 0.5
	wait_idle md0
	kts_step "and back: --grow --bitmap=none, llbitmap=0, --grow --bitmap=internal"
	mdadm --grow /dev/md0 --bitmap=none
	flip 0
	mdadm --grow /dev/md0 --bitmap=internal
	kts_result to_classic="$(kind md0)"
	kts_check "classic again" test "$(kind md0)" = bitmap
	replace_all md0 /dev/ram2 /dev/ram3
	kts_check "data on the spares" pattern_ok /dev/md0
	kts_check "check: mismatch_cnt 0" test "$(check_pass md0)" = 0
	mdadm --stop /dev/md0
	kts_result migrated=1
	;;
dmraid)
	kts_load_md 1
	modprobe dm-mod
	modprobe dm-raid || kts_fail "modprobe dm-raid"
	kts_brd 4 64
	sectors=$(blockdev --getsz /dev/ram1)
	kts_step "dm-raid raid1: metadata devices ram0/ram2, data legs ram1/ram3"
	echo "0 $sectors raid raid1 3 0 region_size 1024 2 /dev/ram0 /dev/ram1 /dev/ram2 /dev/ram3" |
		dmsetup create r1 || kts_fail "dmsetup create with the raid target failed under llbitmap=1"
	for i in $(seq 1 300); do
		[[ $(dmsetup status r1 | awk '{ print $6 }') == AA ]] && break
		sleep 0.2
	done
	dmsetup status r1
	kts_check "both legs in sync" test "$(dmsetup status r1 | awk '{ print $6 }')" = AA
	pattern_write /dev/mapper/r1
	kts_check "data reads back" pattern_ok /dev/mapper/r1
	dmsetup remove r1
	kts_result dmraid=1
	;;
select)
	mdadm46=$KTS_ROOT/build/mdadm-4.6/src/mdadm
	[[ -x $mdadm46 ]] || kts_fail "no $mdadm46 (make mdadm builds it)"
	type=/sys/block/md0/md/bitmap_type
	kts_load_md 0
	kts_brd 4 64
	kts_step "md/bitmap_type before md runs the array: the choices, the parameter's bracketed"
	echo md0 > /sys/module/md_mod/parameters/new_array
	kts_check "reads none [bitmap] llbitmap" test "$(cat $type)" = "none [bitmap] llbitmap"
	kts_check "a name it does not know is refused" sh -c "! echo lockless 2> /dev/null > $type"
	kts_step "mdadm 4.6 --bitmap=lockless under llbitmap=0: it writes llbitmap there"
	"$mdadm46" --create /dev/md0 --run --level=1 --raid-devices=2 --bitmap=lockless /dev/ram0 /dev/ram1 ||
		kts_fail "mdadm 4.6 --create --bitmap=lockless failed"
	wait_idle md0
	kts_result created="$(kind md0)" bits="$(tr '\n' ' ' < /sys/block/md0/md/llbitmap/bits)"
	kts_check "md0 has the lockless bitmap" test "$(kind md0)" = llbitmap
	kts_check "reads none bitmap [llbitmap]" test "$(cat $type)" = "none bitmap [llbitmap]"
	kts_check "a new raid1: every chunk Unwritten" test "$(kts_bits md0 unwritten)" = "$(kts_llmeta md0 chunks)"
	kts_check "a running bitmap stays: EBUSY" sh -c "! echo bitmap 2> /dev/null > $type"
	pattern_write /dev/md0
	mdadm --stop /dev/md0
	kts_step "assembled by mdadm 4.6, then by 4.4 (which does not ask): lockless both times"
	"$mdadm46" --assemble /dev/md0 /dev/ram0 /dev/ram1 || kts_fail "mdadm 4.6 --assemble failed"
	kts_check "lockless (mdadm 4.6)" test "$(kind md0)" = llbitmap
	kts_check "data (mdadm 4.6)" pattern_ok /dev/md0
	mdadm --stop /dev/md0
	mdadm --assemble /dev/md0 /dev/ram0 /dev/ram1 > /dev/null
	kts_check "lockless (mdadm 4.4)" test "$(kind md0)" = llbitmap
	kts_check "data (mdadm 4.4)" pattern_ok /dev/md0
	mdadm --stop /dev/md0
	kts_step "md/bitmap_type bitmap under llbitmap=1: the classic bitmap"
	flip 1
	echo md1 > /sys/module/md_mod/parameters/new_array
	echo bitmap > /sys/block/md1/md/bitmap_type
	create md1 1 /dev/ram2 /dev/ram3
	kts_check "md1 classic" test "$(kind md1)" = bitmap
	mdadm --stop /dev/md1
	kts_step "md/bitmap_type none: an array whose members hold a bitmap is not run"
	echo md1 > /sys/module/md_mod/parameters/new_array
	echo none > /sys/block/md1/md/bitmap_type
	if mdadm --assemble /dev/md1 /dev/ram2 /dev/ram3 > /tmp/assemble.out 2>&1; then
		kts_fail "md1 ran with md/bitmap_type none: $(kind md1)"
	fi
	cat /tmp/assemble.out
	dmesg | grep -q "md1: md/bitmap_type is none: not creating the bitmap" || kts_fail "no message saying why"
	mdadm --stop /dev/md1 2> /dev/null || true
	kts_step "another choice: md1 assembled as before, its members' bitmap"
	echo md1 2> /dev/null > /sys/module/md_mod/parameters/new_array || true
	echo llbitmap > /sys/block/md1/md/bitmap_type
	mdadm --assemble /dev/md1 /dev/ram2 /dev/ram3 > /dev/null
	kts_check "md1 classic again: the members' bitmap, not the choice" test "$(kind md1)" = bitmap
	mdadm --stop /dev/md1
	kts_result selected=1
	;;
garbled)
	kts_load_md 1
	kts_brd 2 64
	create md0 1 /dev/ram0 /dev/ram1
	pattern_write /dev/md0
	mdadm --stop /dev/md0
	kts_step "garble the bitmap superblock's magic on ram0"
	sb=$(mdadm --examine /dev/ram0 | awk '/Super Offset/ { print $4 }')
	bo=$(mdadm --examine /dev/ram0 | awk '/Internal Bitmap/ { print $4 }')
	printf 'XXXX' | dd of=/dev/ram0 bs=1 seek=$(((sb + bo) * 512)) conv=notrunc status=none
	md5_0=$(md5sum < /dev/ram0) md5_1=$(md5sum < /dev/ram1)
	if mdadm --assemble /dev/md0 /dev/ram0 /dev/ram1 > /tmp/assemble.out 2>&1; then
		kts_fail "assembled over a garbled bitmap superblock: $(kind md0)"
	fi
	cat /tmp/assemble.out
	mdadm --stop /dev/md0 2> /dev/null || true
	dmesg | grep "md/llbitmap: md0: no bitmap superblock where the array keeps its bitmap" ||
		kts_fail "no message saying why and what to do"
	kts_check "ram0 unchanged" test "$(md5sum < /dev/ram0)" = "$md5_0"
	kts_check "ram1 unchanged" test "$(md5sum < /dev/ram1)" = "$md5_1"
	kts_step "what the message says: --update=no-bitmap, then a new bitmap"
	mdadm --assemble /dev/md0 --update=no-bitmap /dev/ram0 /dev/ram1 > /dev/null
	kts_check "assembled without a bitmap" test "$(kind md0)" = none
	mdadm --readwrite /dev/md0
	sleep 0.5
	wait_idle md0
	mdadm --grow /dev/md0 --bitmap=internal
	kts_result garbled_then="$(kind md0)" unwritten="$(kts_bits md0 unwritten)"
	kts_check "a new lockless bitmap" test "$(kind md0)" = llbitmap
	kts_check "no chunk Unwritten" test "$(kts_bits md0 unwritten)" = 0
	kts_check "data intact" pattern_ok /dev/md0
	mdadm --stop /dev/md0
	kts_result garbled=1
	;;
*) kts_fail "unknown case $case_" ;;
esac
kts_check "no kernel splat" kts_dmesg_clean
kts_result done=1
