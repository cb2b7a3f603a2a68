# md-cycle LLBITMAP LEVEL DISKS: create an array with an internal bitmap on
# brd ramdisks, write a known pattern at several offsets, stop, assemble,
# and check the data both times.
#   LLBITMAP: the md_mod llbitmap= parameter (0 classic, 1 lockless).
set -e
mode=$1 level=$2 n=$3
kts_load_md "$mode"
kts_brd "$n" 128
devs=$(for ((i = 0; i < n; i++)); do echo /dev/ram$i; done)

kts_step "create raid$level on $n disks"
mdadm --create /dev/md0 --run --level="$level" --raid-devices="$n" \
	--bitmap=internal --assume-clean --metadata=1.2 $devs
cat /proc/mdstat
kts_result bitmap_type="$(kts_bitmap_kind md0)"

# Known data at offsets spread over the array (in MiB).
offsets="0 3 17 40 63"
for off in $offsets; do
	# 1 MiB of one letter per offset, so a misplaced block shows.
	head -c 1048576 /dev/zero | tr '\0' "\\$(printf '%03o' $((65 + off % 26)))" > "/tmp/pattern.$off"
	dd if="/tmp/pattern.$off" of=/dev/md0 bs=1M seek="$off" count=1 oflag=direct status=none
done
verify() {
	local off
	for off in $offsets; do
		dd if=/dev/md0 of=/tmp/readback bs=1M skip="$off" count=1 iflag=direct status=none
		cmp -s /tmp/readback "/tmp/pattern.$off" || { echo "mismatch at ${off}M ($1)"; return 1; }
	done
}
kts_check "data after writing" verify written

kts_step "stop and assemble"
mdadm --stop /dev/md0
mdadm --assemble /dev/md0 --run $devs
cat /proc/mdstat
kts_check "data after assembling" verify assembled
mdadm --detail /dev/md0 | grep -E 'State :|Bitmap|Intent' || true
mdadm --stop /dev/md0
kts_check "no kernel splat" kts_dmesg_clean
kts_result done=1
