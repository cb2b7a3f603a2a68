# llbitmap-reload ROUNDS: load md with llbitmap=1, create, write, stop,
# unload - ROUNDS times, with nothing in dmesg; each stop with daemon_sleep
# stores racing it (a store that queued the daemon on a bitmap being
# destroyed left a timer on freed memory: DEBUG_OBJECTS on the debug kernel).
set -e
rounds=$1
kts_brd 2 32
for ((i = 1; i <= rounds; i++)); do
	kts_load_md 1
	mdadm --create /dev/md0 --run --level=1 --raid-devices=2 --bitmap=internal \
		--assume-clean --force /dev/ram0 /dev/ram1 > /dev/null 2>&1 || kts_fail "create in round $i"
	dd if=/dev/urandom of=/dev/md0 bs=64k count=16 oflag=direct status=none
	(while :; do echo $((RANDOM % 3 + 1)) > /sys/block/md0/md/llbitmap/daemon_sleep || :; done 2> /dev/null) &
	storer=$!
	sleep 0.1
	mdadm --stop /dev/md0 > /dev/null
	kill "$storer" 2> /dev/null || :
	wait "$storer" 2> /dev/null || true
	mdadm --zero-superblock /dev/ram0 /dev/ram1
	kts_unload_md || kts_fail "unload in round $i"
done
if lsmod | grep -E '^(md_mod|raid0|raid1|raid10|raid456) '; then kts_fail "modules still loaded"; fi
kts_check "no kernel splat" kts_dmesg_clean
kts_result rounds="$rounds"
