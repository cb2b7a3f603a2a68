# The demo: the lockless bitmap on a raid10 of four ramdisks.
set -e
kts_step "insmod md-mod.ko llbitmap=1 (+ raid personalities)"
insmod "$KTS_MODULES/md-mod.ko" llbitmap=1
for p in raid0 raid1 raid10 raid456; do modprobe $p; done
echo "llbitmap parameter: $(cat /sys/module/md_mod/parameters/llbitmap)"
kts_brd 4 256

kts_step "mdadm --create raid10 on /dev/ram0..3 with --bitmap=internal"
mdadm --create /dev/md0 --run --level=10 --raid-devices=4 --bitmap=internal \
	/dev/ram0 /dev/ram1 /dev/ram2 /dev/ram3
# a new array: every chunk Unwritten, so the initial resync has nothing to do
mdadm --wait /dev/md0 || true
cat /proc/mdstat
echo "md/bitmap_type: $(cat /sys/block/md0/md/bitmap_type)"

kts_step "write 64 MiB of random data and read it back"
head -c 64M /dev/urandom > /tmp/data
dd if=/tmp/data of=/dev/md0 bs=1M oflag=direct status=none
sum_in=$(md5sum < /tmp/data)
sum_out=$(dd if=/dev/md0 bs=1M count=64 iflag=direct status=none | md5sum)
echo "written: $sum_in"
echo "read:    $sum_out"
[[ $sum_in == "$sum_out" ]] || kts_fail "data mismatch"

kts_step "the bitmap: /sys/block/md0/md/llbitmap/"
for f in /sys/block/md0/md/llbitmap/*; do echo "--- $(basename "$f")"; cat "$f"; done
cat /proc/mdstat

kts_step "stop the array"
mdadm --stop /dev/md0
kts_result done=1
