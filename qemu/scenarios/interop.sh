# interop ROLE KERNEL [ARG]: a raid1 with the lockless bitmap on /dev/vda and
# /dev/vdb (host images that outlive the guest), made under one kernel and
# assembled under the other (test/qemu/interop.test.ts).
#   make KERNEL [KO]   KERNEL ours: md_mod.llbitmap=1 and mdadm --bitmap=internal
#                      (KO: a broken md-mod.ko to load instead); mainline: its
#                      own md and mdadm 4.6 --bitmap=lockless. MB MiB of a
#                      fixed pattern, the daemon left to clean it, then the
#                      same bytes written again to a few chunks: they are
#                      Dirty when KTS-INTEROP-KILL asks the host to kill the
#                      guest, as at a crash
#   assemble KERNEL MD5  assemble what the other kernel made: the chunks its
#                      bitmap says need a resync, the resync, the data against
#                      MD5, and a check pass (the host judges the results)
set -e
role=$1 kernel=$2
MB=24
mdadm46=$KTS_ROOT/build/mdadm-4.6/src/mdadm
[[ -x $mdadm46 ]] || kts_fail "no $mdadm46 (make mdadm builds it)"
md=/sys/block/md0/md
# the pattern, in a file: /tmp/pattern (yes | head would die of SIGPIPE under pipefail)
pattern() { { yes "kts-interop $1" || :; } | head -c $((MB << 20)) > /tmp/pattern; }
data_md5() { dd if=/dev/md0 bs=1M count=$MB iflag=direct status=none | md5sum | cut -d' ' -f1; }

if [[ $kernel == ours ]]; then
	if [[ $role == make && -n ${3:-} ]]; then
		modprobe md-mod llbitmap=1 2> /dev/null || :
		modprobe -r md-mod 2> /dev/null || :
		insmod "$3" llbitmap=1 || kts_fail "insmod $3"
		for p in raid0 raid1 raid10 raid456; do modprobe "$p"; done
	else
		kts_load_md 1
	fi
	mdadm=mdadm
	create=(--bitmap=internal)
else
	kts_load_md 0 # mainline's md-mod has no llbitmap parameter: ignored
	mdadm=$mdadm46
	create=(--bitmap=lockless)
fi
kts_result kernel="$(uname -r)"

case $role in
make)
	kts_step "raid1 with the lockless bitmap under $kernel ($(uname -r))"
	"$mdadm" --create /dev/md0 --run --level=1 --raid-devices=2 --metadata=1.2 "${create[@]}" /dev/vda /dev/vdb ||
		kts_fail "mdadm --create failed"
	kts_check "the lockless bitmap runs md0" test "$(kts_bitmap_kind md0)" = llbitmap
	cat $md/bitmap_type $md/llbitmap/metadata
	kts_result chunk_sectors="$(kts_llmeta md0 chunksize)" chunks="$(kts_llmeta md0 chunks)"
	echo 0 > $md/safe_mode_delay
	echo 1 > $md/llbitmap/barrier_idle
	echo 1 > $md/llbitmap/daemon_sleep
	pattern "$kernel"
	dd if=/tmp/pattern of=/dev/md0 bs=1M oflag=direct status=none
	kts_result md5="$(data_md5)"
	for i in $(seq 1 100); do
		[[ $(kts_bits md0 dirty) == 0 && $(kts_bits md0 "need sync") == 0 ]] && break
		sleep 0.2
	done
	cat $md/llbitmap/bits
	kts_check "the daemon cleaned the pattern" test "$(kts_bits md0 dirty)" = 0
	# the same bytes again, at the start of a few chunks spread over the data
	cs=$(kts_llmeta md0 chunksize)
	last=$(((MB << 11) / cs - 1))
	written=""
	for c in 3 $((last / 2)) $last; do
		dd if=/tmp/pattern of=/dev/md0 bs=4096 skip=$((c * cs / 8)) seek=$((c * cs / 8)) count=1 oflag=direct status=none
		written="$written $c"
	done
	kts_result written="${written# }" dirty="$(kts_bits md0 dirty)" need_sync="$(kts_bits md0 "need sync")"
	echo "KTS-INTEROP-KILL"
	sleep 60
	kts_fail "not killed"
	;;
assemble)
	want=$3
	kts_step "assembled under $kernel ($(uname -r)): what its bitmap says, resynced"
	"$mdadm" --assemble /dev/md0 /dev/vda /dev/vdb || kts_fail "mdadm --assemble failed"
	kts_check "the lockless bitmap runs md0" test "$(kts_bitmap_kind md0)" = llbitmap
	cat $md/bitmap_type $md/llbitmap/metadata $md/llbitmap/bits
	# assembled arrays start auto-read-only: nothing resyncs before a write or --readwrite
	kts_result chunk_sectors="$(kts_llmeta md0 chunksize)" chunks="$(kts_llmeta md0 chunks)" \
		need_sync="$(kts_bits md0 "need sync")"
	mdadm --readwrite /dev/md0
	timeout 120 mdadm --wait /dev/md0 || [[ $? == 1 ]] || kts_fail "resync did not finish in 120 s"
	cat $md/llbitmap/bits
	echo check > $md/sync_action
	sleep 0.5
	timeout 120 mdadm --wait /dev/md0 || [[ $? == 1 ]] || kts_fail "check did not finish in 120 s"
	kts_result mismatch_cnt="$(cat $md/mismatch_cnt)" md5_ok="$([[ $(data_md5) == "$want" ]] && echo 1 || echo 0)"
	mdadm --stop /dev/md0
	;;
*) kts_fail "unknown role $role" ;;
esac
kts_check "no kernel splat" kts_dmesg_clean
kts_result done=1
