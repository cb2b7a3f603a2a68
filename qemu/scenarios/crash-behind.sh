# crash-behind: raid1 with --write-behind, /dev/vdb write-mostly behind
# dm-delay (writes take DELAY_MS); members are host images that survive
# the guest being killed. Make the array (on the bare images: dm-delay
# would slow every superblock write), assemble it over the delayed vdb,
# write one chunk - md ends the write when vda has it, vdb's copy is a
# behind write - and wait for a daemon pass to clean it (the old code did;
# it must not while the copy is queued). KTS-BEHIND-QUEUED: the host kills
# the guest now, before the copy lands.
# The next boot is crash-recover: assemble from the bare
# images, resync what the bitmap says, check (mismatch_cnt 0).
set -e
DELAY_MS=${DELAY_MS:-6000}
kts_load_md 1
mdadm --create /dev/md0 --run --level=1 --raid-devices=2 --bitmap=internal --write-behind=256 \
	--assume-clean /dev/vda --write-mostly /dev/vdb > /dev/null
chunk_sectors=$(kts_llmeta md0 chunksize)
mdadm --stop /dev/md0
modprobe dm-delay || kts_fail "modprobe dm-delay"
size=$(blockdev --getsz /dev/vdb)
# no delay yet: md's superblock writes go through it too
echo "0 $size delay /dev/vdb 0 0 /dev/vdb 0 0" | dmsetup create slow
mdadm --assemble /dev/md0 /dev/vda /dev/mapper/slow > /dev/null
mdadm --readwrite /dev/md0 2> /dev/null || :
grep md0 /proc/mdstat
grep -q 'dm-[0-9]*\[1\](W)' /proc/mdstat || kts_fail "vdb is not write-mostly: $(grep md0 /proc/mdstat)"
echo 1 > /sys/block/md0/md/llbitmap/barrier_idle
echo 1 > /sys/block/md0/md/llbitmap/daemon_sleep
# no safemode: md would mark the array clean between the writes and
# dirty again (a superblock write through the delay) before the next
echo 0 > /sys/block/md0/md/safe_mode_delay
# the first write marks md's superblocks dirty (through the delay) and
# chunk 3 Dirty; then the daemon cleans it, and its write lands
dd if=/dev/urandom of=/dev/md0 bs=4096 count=1 seek=$((3 * chunk_sectors / 8)) oflag=direct status=none
for i in $(seq 1 100); do
	[[ $(kts_bits md0 dirty) == 0 ]] && break
	sleep 0.2
done
sleep 1
cat /sys/block/md0/md/llbitmap/bits
dmsetup suspend slow
echo "0 $size delay /dev/vdb 0 0 /dev/vdb 0 $DELAY_MS" | dmsetup load slow
dmsetup resume slow
kts_step "one 4 KiB write to chunk 3; vdb's copy is a behind write for ${DELAY_MS} ms"
t0=$(date +%s%N)
dd if=/dev/urandom of=/dev/md0 bs=4096 count=1 seek=$((3 * chunk_sectors / 8 + 1)) oflag=direct status=none
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
kts_result write_ms=$ms
# chunk 3 Clean -> Dirty: the bitmap write reaches vdb through the
# delay (its flush and its write: 2 x DELAY_MS); the data would once
# more, were it not behind
((ms < DELAY_MS * 5 / 2)) || kts_fail "the write took $ms ms: vdb's copy was not written behind (max_write_behind $(cat /sys/block/md0/md/bitmap/backlog 2> /dev/null))"
# the daemon cleans idle chunks within 2-3 s; the copy needs DELAY_MS
for i in $(seq 1 15); do
	[[ $(kts_bits md0 dirty) == 0 ]] && break
	sleep 0.2
done
cat /sys/block/md0/md/llbitmap/bits
echo "KTS-BEHIND-QUEUED dirty=$(kts_bits md0 dirty) after $((($(date +%s%N) - t1) / 1000000)) ms"
sleep 60
kts_fail "not killed"
