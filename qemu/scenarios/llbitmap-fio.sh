# llbitmap-fio LEVEL DISKS SECONDS: a 4k random-write fio load (libaio,
# direct, 4 jobs x QD32) on an array with llbitmap=1, then a crc32c verify
# pass; the load must finish (the seed's port deadlocked here) and verify.
set -e
level=$1 n=$2 secs=$3
kts_load_md 1
kts_brd "$n" 256
devs=$(for ((i = 0; i < n; i++)); do echo /dev/ram$i; done)
mdadm --create /dev/md0 --run --level="$level" --raid-devices="$n" \
	--bitmap=internal --assume-clean $devs
kts_step "fio: 4k random writes, 4 jobs x QD32, ${secs}s"
fio --name=load --filename=/dev/md0 --rw=randwrite --bs=4k --direct=1 \
	--ioengine=libaio --iodepth=32 --numjobs=4 --time_based --runtime="$secs" \
	--size=200M --group_reporting --output-format=terse --terse-version=3 > /tmp/load.terse
iops=$(awk -F';' '{ print $49 }' /tmp/load.terse)
# right after the load, before barrier_idle lets the daemon clean anything
kts_result load_iops="$iops" dirty_after_load="$(kts_bits md0 dirty)"
kts_step "fio: write with crc32c and verify"
fio --name=verify --filename=/dev/md0 --rw=randwrite --bs=4k --direct=1 \
	--ioengine=libaio --iodepth=32 --size=64M --verify=crc32c --verify_fatal=1 \
	--do_verify=1 --group_reporting > /tmp/verify.out
cat /tmp/verify.out | grep -E "err=|verify" || true
grep -q "err= 0" /tmp/verify.out || kts_fail "fio verify reported errors"
kts_result verify_ok=1
cat /sys/block/md0/md/llbitmap/bits
mdadm --stop /dev/md0
kts_result done=1
