# llbitmap-faults: members on device-mapper so their bitmap area can fail.
# A failed bitmap write fails that member with md_error() and the array
# goes on; a failed bitmap read is retried on the next in-sync member.
set -e
kts_load_md 1
kts_brd 2 64
kts_dm_linear 2
size=$(blockdev --getsz /dev/ram0)
mdadm --create /dev/md0 --run --level=1 --raid-devices=2 --bitmap=internal \
	--assume-clean /dev/mapper/m0 /dev/mapper/m1
sb=$(mdadm --examine /dev/mapper/m1 | awk '/Super Offset/ { print $4 }')
off=$(kts_llmeta md0 offset)
space=$(kts_llmeta md0 space)
start=$((sb + off))
# m1's bitmap area now fails
fail_bitmap() {
	local dev=$1 ram=$2
	dmsetup suspend "$dev"
	printf '0 %d linear /dev/%s 0\n%d %d error\n%d %d linear /dev/%s %d\n' \
		"$start" "$ram" "$start" "$space" "$((start + space))" "$((size - start - space))" "$ram" "$((start + space))" |
		dmsetup load "$dev"
	dmsetup resume "$dev"
}
fail_bitmap m1 ram1
kts_step "a write to a clean chunk: its bitmap write fails on m1"
head -c 65536 /dev/urandom > /tmp/data
dd if=/tmp/data of=/dev/md0 bs=64k seek=3 count=1 oflag=direct status=none
sleep 1
cat /proc/mdstat
mdadm --detail /dev/md0 | grep -E "faulty|State :"
dmesg | grep "bitmap write to a member failed" || kts_fail "no message about the failed bitmap write"
kts_check "m1 is faulty" bash -c "mdadm --detail /dev/md0 | grep -q 'faulty.*m1\|m1.*faulty\|faulty   /dev/mapper/m1\|faulty.*dm-1'"
kts_check "the array goes on degraded" bash -c "grep -q '\[U_\]' /proc/mdstat"
dd if=/dev/md0 of=/tmp/back bs=64k skip=3 count=1 iflag=direct status=none
kts_check "data reads back" cmp -s /tmp/data /tmp/back
kts_result write_error_failed_member=1
mdadm --stop /dev/md0

kts_step "assemble with m0's bitmap unreadable: read retried on m1"
dmsetup remove m1
echo "0 $size linear /dev/ram1 0" | dmsetup create m1
mdadm --zero-superblock /dev/mapper/m0 /dev/mapper/m1
mdadm --create /dev/md0 --run --level=1 --raid-devices=2 --bitmap=internal \
	--assume-clean /dev/mapper/m0 /dev/mapper/m1
dd if=/tmp/data of=/dev/md0 bs=64k seek=3 count=1 oflag=direct status=none
mdadm --stop /dev/md0
fail_bitmap m0 ram0
mdadm --assemble /dev/md0 --run /dev/mapper/m0 /dev/mapper/m1
cat /proc/mdstat
dmesg | grep "bitmap read failed, trying the next member" || kts_fail "no retry message"
kts_check "array assembled with its bitmap" test "$(kts_bitmap_kind md0)" = llbitmap
dd if=/dev/md0 of=/tmp/back bs=64k skip=3 count=1 iflag=direct status=none
kts_check "data reads back" cmp -s /tmp/data /tmp/back
kts_result read_retried=1
mdadm --stop /dev/md0
kts_check "no kernel splat" kts_dmesg_clean
kts_result done=1
