# crash-cycle PHASE LEVEL [OFFSET_MB SIZE_MB]: members are /dev/vda and
# /dev/vdb (host images that survive the guest being killed); the load
# writes only to SIZE_MB of the array from OFFSET_MB.
#   create:  make the array, then run a random-write load until killed;
#   recover: assemble after the kill, let md resync what the bitmap says,
#            verify with a check pass (mismatch_cnt 0), then load again;
#   final:   recover and verify only.
set -e
phase=$1 level=$2 offset_mb=${3:-0} size_mb=${4:-16}
kts_load_md 1
tune() {
	echo 1 > /sys/block/md0/md/llbitmap/barrier_idle
	echo 1 > /sys/block/md0/md/llbitmap/daemon_sleep
}
if [[ $phase == create ]]; then
	mdadm --create /dev/md0 --run --level="$level" --raid-devices=2 --bitmap=internal \
		--assume-clean /dev/vda /dev/vdb
else
	mdadm --assemble /dev/md0 --run /dev/vda /dev/vdb
	# assembled arrays start auto-read-only; the resync waits for a write
	mdadm --readwrite /dev/md0
	chunks=$(kts_llmeta md0 chunks)
	need=$(dmesg | sed -n 's/.*md\/llbitmap: md0: \([0-9]*\) of [0-9]* chunks need resync.*/\1/p' | tail -1)
	kts_result need_sync="${need:-0}" chunks="$chunks"
	cat /proc/mdstat
	t0=$(date +%s%N)
	timeout 120 mdadm --wait /dev/md0 || [[ $? == 1 ]] || kts_fail "resync did not finish in 120 s"
	t1=$(date +%s%N)
	kts_result resync_ms=$(( (t1 - t0) / 1000000 ))
	echo check > /sys/block/md0/md/sync_action
	timeout 120 mdadm --wait /dev/md0 || [[ $? == 1 ]] || kts_fail "check did not finish in 120 s"
	mismatch=$(cat /sys/block/md0/md/mismatch_cnt)
	kts_result mismatch_cnt="$mismatch"
	[[ $mismatch == 0 ]] || kts_fail "mismatch_cnt is $mismatch after the resync"
	cat /sys/block/md0/md/llbitmap/bits
fi
if [[ $phase == final ]]; then
	mdadm --stop /dev/md0
	kts_result done=1
	exit 0
fi
tune
fio --name=crash --filename=/dev/md0 --rw=randwrite --bs=4k --direct=1 --ioengine=libaio \
	--iodepth=16 --numjobs=2 --offset="${offset_mb}M" --size="${size_mb}M" --time_based --runtime=600 --randrepeat=0 > /dev/null 2>&1 &
sleep 1
echo "KTS-LOAD-RUNNING"
wait
