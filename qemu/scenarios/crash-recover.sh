# crash-recover: after a crash, /dev/vda and /dev/vdb (host images that
# survived the guest being killed) are assembled; md resyncs what the
# bitmap says and a check pass must find no mismatch.
set -e
kts_load_md 1
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
mdadm --stop /dev/md0
kts_result done=1
