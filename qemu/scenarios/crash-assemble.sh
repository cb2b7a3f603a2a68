# crash-assemble DEVICES CHUNK_SECTORS CHUNKS: a crash state the replay
# wrote out (test/qemu/crash-replay.test.ts) is assembled as md would
# after the power came back: DEVICES (comma-separated, e.g. vda,vdb) are
# its members. md resyncs what the bitmap says; then a check pass over
# each of CHUNKS (comma-separated bitmap chunks of CHUNK_SECTORS, the ones
# whose copies differed in the state) must find no mismatch.
set -e
IFS=, read -ra devs <<< "$1"
chunk_sectors=$2
IFS=, read -ra chunks <<< "$3"
kts_load_md 1
mdadm --assemble /dev/md0 --run "${devs[@]/#//dev/}"
mdadm --readwrite /dev/md0 2> /dev/null || true
cat /proc/mdstat
need=$(kts_bits md0 "need sync")
dirty=$(kts_bits md0 dirty)
kts_result need_sync="$need" dirty="$dirty"
timeout 300 mdadm --wait /dev/md0 || [[ $? == 1 ]] || kts_fail "resync did not finish in 300 s"
# the resync's range is the bitmap's: array sectors on raid10, member sectors otherwise
md=/sys/block/md0/md
total=0
for c in "${chunks[@]}"; do
	lo=$((c * chunk_sectors)) hi=$(((c + 1) * chunk_sectors))
	echo max > $md/sync_max
	echo $lo > $md/sync_min
	echo $hi > $md/sync_max
	echo check > $md/sync_action
	# a check stops at sync_max and waits there for it to be raised
	for ((i = 0; i < 1200; i++)); do
		done_to=$(awk '{ print $1 }' $md/sync_completed)
		[[ $(cat $md/sync_action) == idle || $done_to == none ]] && break
		((done_to >= hi)) && break
		sleep 0.1
	done
	((i < 1200)) || kts_fail "check of chunk $c did not reach sector $hi in 120 s ($(cat $md/sync_completed))"
	echo idle > $md/sync_action
	timeout 60 mdadm --wait /dev/md0 || [[ $? == 1 ]] || true
	m=$(cat $md/mismatch_cnt)
	((m == 0)) || echo "chunk $c: mismatch_cnt $m"
	total=$((total + m))
done
echo 0 > $md/sync_min
echo max > $md/sync_max
kts_result checked="${#chunks[@]}" mismatch_cnt="$total"
((total == 0)) || kts_fail "mismatch_cnt $total after the resync"
mdadm --stop /dev/md0
kts_result done=1
