# llbitmap-ondisk: the bitmap on the members. A write makes its chunk's
# byte DIRTY on every member before it completes (the seed never dirtied
# anything); exactly the written chunks are dirtied (the seed's last chunk
# was one too many; an empty flush dirtied a chunk); the daemon cleans
# them again, on disk too.
set -e
kts_load_md 1
kts_brd 2 64
# a new array, not --assume-clean: every chunk starts Unwritten (and the
# initial resync has nothing to do)
mdadm --create /dev/md0 --run --level=1 --raid-devices=2 \
	--bitmap=internal /dev/ram0 /dev/ram1
mdadm --wait /dev/md0 || true
chunk_sectors=$(kts_llmeta md0 chunksize)
chunk_bytes=$((chunk_sectors * 512))
echo "chunk: $chunk_bytes bytes, $(kts_llmeta md0 chunks) chunks"
kts_result chunk_bytes=$chunk_bytes
# no daemon run until the cleaning step below: each on-disk look takes a
# few seconds on the debug kernel, longer than mdadm's 5 s default
echo 60 > /sys/block/md0/md/llbitmap/daemon_sleep

state() { echo "$(kts_member_state /dev/ram0 "$1")$(kts_member_state /dev/ram1 "$1")"; }

kts_step "fresh array: no chunk dirty"
kts_check "no chunk dirty at creation" test "$(kts_bits md0 dirty)" = 0
kts_check "every chunk unwritten at creation" test "$(kts_bits md0 unwritten)" = "$(kts_llmeta md0 chunks)"

kts_step "an empty flush dirties nothing"
dd if=/dev/null of=/dev/md0 oflag=direct conv=fsync status=none
blockdev --flushbufs /dev/md0
kts_check "flush leaves bits clean" test "$(kts_bits md0 dirty)" = 0

kts_step "write exactly chunk 5 (one whole chunk)"
dd if=/dev/urandom of=/dev/md0 bs="$chunk_bytes" seek=5 count=1 oflag=direct status=none
kts_result after_write_c4="$(state 4)" after_write_c5="$(state 5)" after_write_c6="$(state 6)"
kts_check "chunk 5 is DIRTY on both members" test "$(state 5)" = 22
kts_check "chunk 6 (after the written range) is not dirty" test "$(state 6)" = 00
kts_check "chunk 4 (before it) is not dirty" test "$(state 4)" = 00
kts_check "one chunk dirty in memory" test "$(kts_bits md0 dirty)" = 1

kts_step "a 4k write in the middle of chunk 9"
dd if=/dev/urandom of=/dev/md0 bs=4096 seek=$((9 * chunk_bytes / 4096 + 3)) count=1 oflag=direct status=none
kts_check "chunk 9 is DIRTY on both members" test "$(state 9)" = 22

kts_step "the daemon cleans idle chunks (daemon_sleep=1, barrier_idle=1)"
echo 1 > /sys/block/md0/md/llbitmap/barrier_idle
echo 1 > /sys/block/md0/md/llbitmap/daemon_sleep
for i in $(seq 1 20); do
	[[ $(kts_bits md0 dirty) == 0 ]] && break
	sleep 1
done
cat /sys/block/md0/md/llbitmap/bits
kts_result cleaned_after_s="$i"
kts_check "no chunk dirty in memory" test "$(kts_bits md0 dirty)" = 0
kts_check "chunk 5 is CLEAN on both members" test "$(state 5)" = 11
kts_check "chunk 9 is CLEAN on both members" test "$(state 9)" = 11
kts_check "never-written chunk 7 stays unwritten" test "$(state 7)" = 00
mdadm --stop /dev/md0
kts_check "no kernel splat" kts_dmesg_clean
kts_result done=1
