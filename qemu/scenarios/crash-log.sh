# crash-log LEVEL MEMBERS BURSTS [MD_MOD_KO]: record every write an array
# makes, in completion order, for test/qemu/crash-replay.test.ts to replay
# to every crash state from the host.
#
# /dev/vda is the base device (a sparse host image), /dev/vdb the log.
# dm-log-writes (the guest's, qemu/patches/) logs each write to vda with
# its flags and data into vdb; MEMBERS dm-linear slices of it of
# KTS_MEMBER_GB GiB each are the members, so one log holds every member's
# writes in one order. md is loaded from MD_MOD_KO when given (a broken
# variant built by the test), else from the guest's modules.
#
# The load: BURSTS bursts of random 4 KiB writes over the whole array
# (thousands of chunks, a bitmap of several pages), each followed by a
# pause past barrier_idle + daemon_sleep so the chunks go Dirty -> Clean
# between bursts; discards of whole chunks; on raid1/raid10 a member
# failed, written around, and re-added half way (unless KTS_READD=0: raid10
# recovers a re-added member in 64 KiB steps over all of it, minutes under
# TCG). The replay starts at
# the mark kts-start (creation is not crash-safe).
set -e
level=$1 members=$2 bursts=$3 module=${4:-}
gb=${KTS_MEMBER_GB:-9}
ios=${KTS_BURST_IOS:-48}

modprobe dm-mod || kts_fail "modprobe dm-mod"
modprobe dm-log-writes || kts_fail "modprobe dm-log-writes"
size=$(blockdev --getsz /dev/vda)
msize=$((gb * 1024 * 1024 * 2))
((members * msize <= size)) || kts_fail "vda has $size sectors, $members members need $((members * msize))"
echo "0 $size log-writes /dev/vda /dev/vdb" | dmsetup create kts-log || kts_fail "dmsetup create kts-log"
devs=()
for ((i = 0; i < members; i++)); do
	echo "0 $msize linear /dev/mapper/kts-log $((i * msize))" | dmsetup create "m$i" || kts_fail "dmsetup create m$i"
	devs+=("/dev/mapper/m$i")
done

if [[ -n $module ]]; then
	insmod "$module" llbitmap=1 || kts_fail "insmod $module"
fi
kts_load_md 1
# raid456 passes discards down only if told the members zero them
echo Y > /sys/module/raid456/parameters/devices_handle_discard_safely
mdadm --create /dev/md0 --run --level="$level" --raid-devices="$members" --bitmap=internal \
	--bitmap-chunk=1M --assume-clean "${devs[@]}"
# no safe mode: it marks the array clean with a flushed superblock write
# when writes pause, which would flush the members before every cleaning
# pass and hide a bitmap that does not flush them itself
echo 0 > /sys/block/md0/md/safe_mode_delay
echo 1 > /sys/block/md0/md/llbitmap/barrier_idle
echo 1 > /sys/block/md0/md/llbitmap/daemon_sleep
chunks=$(kts_llmeta md0 chunks)
chunk_kb=$(( $(kts_llmeta md0 chunksize) / 2 ))
array_kb=$(( $(blockdev --getsz /dev/md0) / 2 ))
kts_result level="$level" members="$members" chunks="$chunks" chunk_kb="$chunk_kb" member_sectors="$msize"
# creation is behind a flush, then the mark: the replay starts here
sync /dev/md0
dmsetup message kts-log 0 mark kts-start

burst() {
	fio --name=burst --filename=/dev/md0 --rw=randwrite --bs=4k --direct=1 --ioengine=libaio \
		--iodepth=8 --number_ios="$ios" --size="${array_kb}k" --randrepeat=0 --norandommap > /dev/null
}
# a pause the daemon cleans in: barrier_idle + daemon_sleep, and a margin
idle() { sleep 2.5; }

for ((b = 1; b <= bursts; b++)); do
	echo "burst $b of $bursts: $(kts_bits md0 dirty) dirty, $(kts_bits md0 clean) clean"
	burst
	if ((b == 2)); then
		# whole chunks: 4 of them from chunk 8, and a range that ends mid-chunk
		blkdiscard -o $((8 * chunk_kb * 1024)) -l $((4 * chunk_kb * 1024)) /dev/md0
		blkdiscard -o $((20 * chunk_kb * 1024)) -l $((chunk_kb * 1024 + 65536)) /dev/md0
	fi
	if ((b == bursts / 2)) && [[ ${KTS_READD:-1} == 1 && ($level == 1 || $level == 10) ]]; then
		idle
		mdadm /dev/md0 --fail "${devs[1]}" --remove "${devs[1]}"
		burst
		mdadm /dev/md0 --re-add "${devs[1]}"
		timeout 300 mdadm --wait /dev/md0 || [[ $? == 1 ]] || kts_fail "recovery did not finish in 300 s"
		kts_result readded=1
	fi
	# the last burst ends without a pause: the log ends with chunks Dirty
	((b == bursts)) || idle
done
cat /sys/block/md0/md/llbitmap/bits
kts_result writes="$(awk '{ print $7 }' /sys/block/md0/stat)"
mdadm --stop /dev/md0
for ((i = 0; i < members; i++)); do
	dmsetup remove "m$i"
done
# the writes since the last flush are logged when the target goes away
dmsetup status kts-log
dmsetup remove kts-log
kts_result done=1
