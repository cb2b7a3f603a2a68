# llbitmap-parity: a raid5 chunk that a write makes NeedSync on a healthy
# array is resynced: its parity is built, so `check` finds nothing and
# every written block reads back degraded. Such chunks come from Unwritten
# ones over members that were never zeroed (raid5 arrays the previous
# release created started Unwritten; discards with
# raid456.devices_handle_discard_safely): main set only MD_RECOVERY_NEEDED,
# which md_choose_sync_action() ignores on an array it believes in sync,
# and the chunks stayed NeedSync with their parity never built.
set -e
kts_load_md 1
kts_brd 3 32
kts_step "members full of random data, then a raid5 with the lockless bitmap"
for i in 0 1 2; do dd if=/dev/urandom of=/dev/ram$i bs=1M count=32 status=none; done
mdadm --create /dev/md0 --run --level=5 --raid-devices=3 --bitmap=internal \
	/dev/ram0 /dev/ram1 /dev/ram2 > /dev/null 2>&1
mdadm --wait /dev/md0 || true
kts_check "lockless bitmap" test "$(kts_bitmap_kind md0)" = llbitmap
cs=$(kts_llmeta md0 chunksize)
mdchunk=$(($(cat /sys/block/md0/md/chunk_size) / 512))
off=$(kts_llmeta md0 offset)
mdadm --stop /dev/md0

# two raid5 rows of md chunks: member sectors [m0, m1), array bytes [a0, a1)
m0=$((4 * mdchunk)) m1=$((6 * mdchunk))
c0=$((m0 / cs)) c1=$((m1 / cs))
a0=$((4 * 2 * mdchunk * 512)) a1=$((6 * 2 * mdchunk * 512))
kts_step "chunks $c0-$((c1 - 1)) Unwritten over data whose parity does not match (ram2 scrambled there)"
for i in 0 1 2; do
	sb=$(mdadm --examine /dev/ram$i | awk '/Super Offset/ { print $4 }')
	head -c $((c1 - c0)) /dev/zero | dd of=/dev/ram$i bs=1 seek=$(((sb + off) * 512 + 1024 + c0)) conv=notrunc,fsync status=none
done
doff=$(mdadm --examine /dev/ram2 | awk '/Data Offset/ { print $4 }')
dd if=/dev/urandom of=/dev/ram2 bs=512 seek=$((doff + m0)) count=$((m1 - m0)) conv=notrunc,fsync status=none
mdadm --assemble /dev/md0 /dev/ram0 /dev/ram1 /dev/ram2 > /dev/null
mdadm --readwrite /dev/md0 2> /dev/null || true
kts_check "the chunks are Unwritten" test "$(kts_bits md0 unwritten)" = $((c1 - c0))

kts_step "partial-stripe 4 KiB writes into them"
head -c $((16 * 4096)) /dev/urandom > /tmp/blocks
for i in $(seq 0 15); do
	dd if=/tmp/blocks of=/dev/md0 bs=4096 skip="$i" seek=$(((a0 + i * (a1 - a0) / 16) / 4096 + 1)) count=1 \
		oflag=direct conv=notrunc status=none
done
for i in $(seq 1 100); do
	[[ $(kts_bits md0 "need sync") == 0 && $(cat /sys/block/md0/md/sync_action) == idle ]] && break
	sleep 0.2
done
cat /sys/block/md0/md/llbitmap/bits
need_sync=$(kts_bits md0 "need sync")
kts_result need_sync_after="$need_sync"

kts_step "check: parity matches everywhere"
echo check > /sys/block/md0/md/sync_action
sleep 0.5
mdadm --wait /dev/md0 || true
mismatch=$(cat /sys/block/md0/md/mismatch_cnt)
kts_result mismatch_cnt="$mismatch"

kts_step "fail ram0: every written block reads back degraded"
mdadm /dev/md0 --fail /dev/ram0 > /dev/null
bad=0
for i in $(seq 0 15); do
	cmp -s <(dd if=/tmp/blocks bs=4096 skip="$i" count=1 status=none) \
		<(dd if=/dev/md0 bs=4096 skip=$(((a0 + i * (a1 - a0) / 16) / 4096 + 1)) count=1 iflag=direct status=none) ||
		bad=$((bad + 1))
done
kts_result degraded_bad_blocks=$bad
mdadm --stop /dev/md0
kts_check "no chunk left NeedSync (was $need_sync)" test "$need_sync" = 0
kts_check "mismatch_cnt is 0 (was $mismatch)" test "$mismatch" = 0
kts_check "every written block reads back degraded ($bad did not)" test $bad = 0
kts_check "no kernel splat" kts_dmesg_clean
kts_result done=1
