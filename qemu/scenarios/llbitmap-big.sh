# llbitmap-big: members over 200 GB reserve 128 KiB of bitmap: the meta disk
# must be that large (the seed fixed it at 64 KiB + 4 KiB), and a write near
# the end of the array must reach its chunk's byte, past the first 68 KiB.
set -e
kts_load_md 1
modprobe loop
for i in 0 1; do
	truncate -s 250G /var/tmp/big$i
	losetup /dev/loop$i /var/tmp/big$i
done
mdadm --create /dev/md0 --run --level=1 --raid-devices=2 --bitmap=internal \
	--assume-clean /dev/loop0 /dev/loop1
cat /sys/block/md0/md/llbitmap/metadata
space=$(kts_llmeta md0 space)
chunks=$(kts_llmeta md0 chunks)
kts_result space="$space" chunks="$chunks"
kts_check "the bitmap uses the 128 KiB mdadm reserved" test "$space" = 256
last=$((chunks - 1))
chunk_bytes=$(( $(kts_llmeta md0 chunksize) * 512 ))
size=$(blockdev --getsize64 /dev/md0)
dd if=/dev/urandom of=/dev/md0 bs=4096 seek=$((size / 4096 - 1)) count=1 oflag=direct status=none
byte=$((1024 + last))
kts_result last_chunk="$last" last_byte_offset="$byte"
kts_check "the last chunk's byte lies past 68 KiB" test "$byte" -gt $((68 * 1024))
kts_check "the last chunk is DIRTY on member 0" test "$(kts_member_state /dev/loop0 "$last")" = 2
kts_check "the last chunk is DIRTY on member 1" test "$(kts_member_state /dev/loop1 "$last")" = 2
mdadm --stop /dev/md0
kts_check "no kernel splat" kts_dmesg_clean
kts_result done=1
