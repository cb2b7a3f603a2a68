# bench: fio on brd ramdisks - the raw ramdisk, then raid arrays with no
# bitmap, the classic bitmap and llbitmap. Each level's arrays, one per
# configuration, exist side by side on their own ramdisks, and a round is
# one short measured slice on each in turn (the first array turns with the
# round), so the host's drift under TCG hits every configuration of a round
# alike and the ratios pair by round (qemu/bench.ts drives it and reads the
# results).
#
# Environment (from qemu/bench.ts):
#   BENCH_REPS       rounds per level
#   BENCH_LEVELS     e.g. "1:2 10:4 5:4" (level:members)
#   BENCH_CONFIGS    e.g. "none classic llbitmap"
#   BENCH_RUNTIME    seconds of each measured 4k random-write slice
#   BENCH_SEQ        seconds of each 1M sequential-write slice
#   BENCH_RAMP       seconds of the same load before each slice is measured
#                    (fio --ramp_time: the steady state again after the
#                    other arrays' slices; 0: none)
#   BENCH_FILL       1: a sequential pass over each whole array before its
#                    random warm-up (every chunk Dirty)
#   BENCH_WARM       seconds of the unmeasured random warm-up of each array
#                    before the rounds (0: none)
#   BENCH_IDLE       seconds: the measured arrays' bitmaps take a chunk or
#                    bit as idle only after this long (llbitmap/barrier_idle,
#                    the classic bitmap's time_base; the cost load keeps the
#                    defaults): longer than a round, so the gaps between one
#                    array's slices are no idle time to its bitmap, as under
#                    a continuous load (empty: each kernel's default)
#   BENCH_VERIFY_MB  size of the write+verify run (after the rounds; 0: none)
#   BENCH_RAM_MB     size of each ramdisk
#   BENCH_LLBITMAP   how an llbitmap array is made: param (md_mod.llbitmap=1
#                    and mdadm --bitmap=internal, this module only) or
#                    lockless (mdadm 4.6 --bitmap=lockless, build/mdadm-4.6:
#                    this module and mainline alike, the peer bench)
#   BENCH_LLBITMAP_CHUNK  KiB: mdadm --bitmap-chunk for the llbitmap arrays
#                    (param only: --bitmap=lockless takes none, the kernel
#                    picks); empty: the module's own choice
#   BENCH_COST_WRITES  4k random writes of the resync cost load (round 1,
#                    llbitmap arrays; 0: none)
#   BENCH_PERF       Hz: each measured 4k random-write run under
#                    perf record -a -e cpu-clock (make bench-profile);
#                    empty: none
# Each fio run leaves $KTS_OUT/fio/<id>.json and one results line
# (id, rep, level, config, workload, cpu_s, bitmap_writes); each cost load
# one line with cost=1 (level, chunk_sectors, writes, bitmap_sectors, dirty,
# crash_sectors, readd_sectors). Under BENCH_PERF each profiled run also leaves
# <id>.self.txt and <id>.children.txt, perf report's samples by symbol.
set -e
ncpu=$(nproc)
jobs=$((ncpu * 4))
out=$KTS_OUT/fio
mkdir -p "$out"
kts_load_md 0
configs=($BENCH_CONFIGS)
# each level's arrays side by side: one set of ramdisks per configuration
# (/dev/ram0.. for the first, as many as the widest level has members)
width=0
for spec in $BENCH_LEVELS; do ((${spec##*:} > width)) && width=${spec##*:}; done
kts_brd $((width * ${#configs[@]})) "$BENCH_RAM_MB"
ll_how=${BENCH_LLBITMAP:-param}
mdadm46=$KTS_ROOT/build/mdadm-4.6/src/mdadm
if [[ $ll_how == param ]]; then
	echo 1 > /sys/module/md_mod/parameters/llbitmap && echo 0 > /sys/module/md_mod/parameters/llbitmap ||
		kts_fail "md_mod.llbitmap cannot be changed at run time (a kernel without this module's parameter: BENCH_LLBITMAP=lockless)"
else
	[[ -x $mdadm46 ]] || kts_fail "no $mdadm46 for --bitmap=lockless (make mdadm builds it)"
	[[ -z ${BENCH_LLBITMAP_CHUNK:-} ]] || kts_fail "BENCH_LLBITMAP_CHUNK needs BENCH_LLBITMAP=param: --bitmap=lockless takes no chunk size"
fi
perf=()
if [[ -n ${BENCH_PERF:-} ]]; then
	command -v perf > /dev/null || kts_fail "BENCH_PERF: no perf on the host (Debian package linux-perf)"
	[[ -e /proc/sys/kernel/perf_event_paranoid ]] || kts_fail "BENCH_PERF: this kernel has no CONFIG_PERF_EVENTS"
	# all CPUs, a software clock (TCG has no PMU), kernel call chains; the
	# data stays in the guest's tmpfs (perf report maps it)
	perf=(perf record -q -a -g -e cpu-clock -F "$BENCH_PERF" -o /tmp/perf.data --)
fi
kts_result vcpus="$ncpu" fio_jobs="$jobs" kernel="$(uname -r)" llbitmap_how="$ll_how"

# busy CPU time of the whole guest so far, in 1/100 s
cpu_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }

# bitmap_writes MD : bitmap block writes so far (llbitmap's counter; the
# classic bitmap has none)
bitmap_writes() {
	local n=
	[[ $(kts_bitmap_kind "$1" 2> /dev/null) == llbitmap ]] && n=$(kts_llmeta "$1" writes)
	echo "${n:--1}" # (mainline's llbitmap counts none)
}

# fio_args WORKLOAD SIZE_MB : fio's arguments for a measured slice of WORKLOAD
# on a device of SIZE_MB ($args)
fio_args() {
	local size_mb=$2
	# 1M sequential writes, one slice of the device per CPU
	seq=(--rw=write --bs=1M --numjobs="$ncpu" --iodepth=8 --size=$((size_mb / ncpu))M --offset_increment=$((size_mb / ncpu))M)
	local ramp=()
	((${BENCH_RAMP:-0} > 0)) && ramp=(--ramp_time="$BENCH_RAMP")
	case $1 in
	rand4k) args=(--rw=randwrite --bs=4k --numjobs="$jobs" --iodepth=32 --time_based "${ramp[@]}" --runtime="$BENCH_RUNTIME") ;;
	seq1m) args=("${seq[@]}" --time_based "${ramp[@]}" --runtime="$BENCH_SEQ") ;;
	verify) args=(--rw=randwrite --bs=4k --numjobs=1 --iodepth=32 --size="${BENCH_VERIFY_MB}M"
		--verify=crc32c --do_verify=1 --verify_fatal=1) ;;
	esac
}

# prepare ID DEV : before an array's rounds, the steady state of a long
# random-write load: one sequential pass leaves every chunk Dirty (a fresh
# array's first write to each chunk waits for a bitmap block write; with 64
# KiB chunks a short random warm-up reaches only part of them, and the
# measured run was partly first writes: the cost table gives that side) and
# brd's pages allocated; then random writes as measured
prepare() {
	local id=$1 dev=$2
	fio_args rand4k "$(($(blockdev --getsz "$dev") / 2048))"
	if [[ -n ${BENCH_FILL:-} ]]; then
		fio --name=fill --eta=never --filename="$dev" --direct=1 --ioengine=libaio --group_reporting "${seq[@]}" > /dev/null ||
			kts_fail "fio fill $id failed"
	fi
	if [[ $BENCH_WARM != 0 ]]; then
		fio --name=warm --eta=never --filename="$dev" --direct=1 --ioengine=libaio --group_reporting \
			"${args[@]/--runtime=*/--runtime=$BENCH_WARM}" > /dev/null || kts_fail "fio warm-up $id failed"
	fi
	log_bits "$id" "$dev" "after the warm-up"
}

# log_bits ID DEV WHEN : the llbitmap states of DEV's array, if llbitmap runs it
log_bits() {
	local md=${2#/dev/}
	[[ $(kts_bitmap_kind "$md" 2> /dev/null) == llbitmap ]] || return 0
	echo "bench: $1: $3: $(tr '\n' ' ' < "/sys/block/$md/md/llbitmap/bits")"
}

# run ID DEV WORKLOAD LEVEL CONFIG REP : one measured fio run
run() {
	local id=$1 dev=$2 wl=$3 level=$4 config=$5 rep=$6 c0 w0 md=${2#/dev/}
	fio_args "$wl" "$(($(blockdev --getsz "$dev") / 2048))"
	c0=$(cpu_busy) w0=$(bitmap_writes "$md")
	local prof=()
	[[ $wl == rand4k ]] && prof=("${perf[@]}")
	if ! "${prof[@]}" fio --name="$id" --eta=never --filename="$dev" --direct=1 --ioengine=libaio --group_reporting \
		"${args[@]}" --output-format=json --output="$out/$id.json"; then
		kts_result id="$id" rep="$rep" level="$level" config="$config" workload="$wl" failed=1
		kts_fail "fio $id failed"
	fi
	local w1 writes=-1
	w1=$(bitmap_writes "$md")
	if ((${#prof[@]})); then
		# samples by symbol: its own (self), and with what it calls (children)
		perf report -i /tmp/perf.data --stdio -n -q --no-children --sort sym -g none > "$out/$id.self.txt" 2> /dev/null &&
			perf report -i /tmp/perf.data --stdio -n -q --children --sort sym -g none > "$out/$id.children.txt" 2> /dev/null ||
			kts_fail "perf report $id"
		rm -f /tmp/perf.data
	fi
	((w0 >= 0 && w1 >= 0)) && writes=$((w1 - w0))
	kts_result id="$id" rep="$rep" level="$level" config="$config" workload="$wl" \
		cpu_s="$(awk -v a="$c0" -v b="$(cpu_busy)" 'BEGIN { printf "%.2f", (b - a) / 100 }')" \
		bitmap_writes="$writes"
	echo "bench: $id done"
}

# fio_sparse SEED : BENCH_COST_WRITES 4k writes at random offsets of md0
fio_sparse() {
	fio --name=cost --eta=never --filename=/dev/md0 --direct=1 --ioengine=libaio --rw=randwrite --bs=4k \
		--iodepth=32 --number_ios="$BENCH_COST_WRITES" --randseed="$1" > /dev/null || kts_fail "fio cost load failed"
}

# members_written N : sectors written so far to the dm-linear maps m0..m(N-1)
members_written() {
	local i sum=0
	for ((i = 0; i < $1; i++)); do sum=$((sum + $(kts_sectors_written "m$i"))); done
	echo "$sum"
}

# sparse_written N : fio_sparse 1 on md0, then, once md has marked the
# array clean again (its superblock writes are in both counts), the
# sectors its N members took meanwhile: $written
sparse_written() {
	local i w0 w1
	w0=$(members_written "$1")
	fio_sparse 1
	for ((i = 0; i < 100; i++)); do
		[[ $(cat /sys/block/md0/md/array_state) == clean ]] && break
		sleep 0.1
	done
	w1=$(members_written "$1")
	written=$((w1 - w0))
}

# cost LEVEL N : what the same sparse load costs in resync on a clean new
# llbitmap array - the sectors the bitmap writes for it (the members'
# writes beyond those of the same load with no bitmap: each kernel's
# first-write cost, the other side of the trade), the chunks it leaves
# Dirty (a crash now resyncs them),
# and the sectors md recovers onto a member that was out while it ran
# again. The array is on dm-linear maps of the ramdisks, which count
# their IO (brd does not); the measured runs use the ramdisks bare.
cost() {
	local level=$1 n=$2 chunk dirty w0 w1 plain bitmap
	# the load's member writes with no bitmap, for the bitmap's share below
	kts_dm_linear "$n"
	make_array md0 "$level" "$n" none 0 /dev/mapper/m
	sparse_written "$n"
	plain=$written
	stop_arrays
	kts_dm_linear "$n"
	make_array md0 "$level" "$n" llbitmap 0 /dev/mapper/m
	chunk=$(kts_llmeta md0 chunksize)
	sparse_written "$n"
	bitmap=$((written - plain))
	dirty=$(kts_bits md0 dirty)
	mdadm /dev/md0 --fail /dev/mapper/m1 --remove /dev/mapper/m1 > /dev/null 2>&1 || kts_fail "raid$level: mdadm --fail --remove m1"
	w0=$(kts_sectors_written m1)
	fio_sparse 2
	mdadm /dev/md0 --re-add /dev/mapper/m1 > /dev/null || kts_fail "raid$level: mdadm --re-add m1"
	kts_wait_sync md0 300
	w1=$(kts_sectors_written m1)
	kts_result cost=1 level="raid$level" config=llbitmap chunk_sectors="$chunk" writes="$BENCH_COST_WRITES" \
		bitmap_sectors="$bitmap" dirty="$dirty" crash_sectors=$((dirty * chunk)) readd_sectors=$((w1 - w0))
	echo "bench: raid$level cost: $bitmap sectors of bitmap writes, $dirty chunks of $chunk sectors dirty, $((w1 - w0)) sectors recovered"
	stop_arrays
}

# make_array MD LEVEL N CONFIG FIRST [PREFIX]: /dev/MD on PREFIX<FIRST>..
# (N of them; default PREFIX /dev/ram), empty ramdisks; the bitmap that
# runs it must be the one CONFIG names
make_array() {
	local md=$1 level=$2 n=$3 config=$4 devs=() i bitmap=internal kind=bitmap cmd=mdadm
	for ((i = $5; i < $5 + n; i++)); do devs+=("${6:-/dev/ram}$i"); done
	local chunk=()
	case $config in
	none) bitmap=none kind=none ;;
	llbitmap)
		kind=llbitmap
		[[ -n ${BENCH_LLBITMAP_CHUNK:-} ]] && chunk=(--bitmap-chunk="${BENCH_LLBITMAP_CHUNK}K")
		[[ $ll_how == lockless ]] && cmd=$mdadm46 bitmap=lockless ;;
	esac
	[[ $ll_how == param ]] && echo "$([[ $config == llbitmap ]] && echo 1 || echo 0)" > /sys/module/md_mod/parameters/llbitmap
	"$cmd" --create "/dev/$md" --run --quiet --level="$level" --raid-devices="$n" \
		--bitmap="$bitmap" "${chunk[@]}" --assume-clean "${devs[@]}" || kts_fail "mdadm --create raid$level $config"
	[[ $(kts_bitmap_kind "$md") == "$kind" ]] || kts_fail "raid$level $config: $md runs $(kts_bitmap_kind "$md"), not $kind"
	if [[ $config == llbitmap ]]; then
		echo "bench: raid$level llbitmap: $(tr '\n' ' ' < "/sys/block/$md/md/llbitmap/metadata")"
		# the module grows a chunk asked for until the chunks fit in the
		# bitmap space mdadm gave (4 KiB on a member under 8 GiB)
		local got
		got=$(($(kts_llmeta "$md" chunksize) / 2))
		[[ -z ${BENCH_LLBITMAP_CHUNK:-} || $got == "$BENCH_LLBITMAP_CHUNK" ]] ||
			kts_fail "raid$level: asked for ${BENCH_LLBITMAP_CHUNK} KiB llbitmap chunks, got $got KiB: mdadm gives members of $(blockdev --getsz /dev/ram0) sectors too little bitmap space for that many chunks (ask for a larger chunk)"
	fi
}

# set_idle MD : BENCH_IDLE for MD's bitmap, if it has one
set_idle() {
	local attr
	[[ -n ${BENCH_IDLE:-} ]] || return 0
	case $(kts_bitmap_kind "$1") in
	llbitmap) attr=llbitmap/barrier_idle ;;
	bitmap) attr=bitmap/time_base ;;
	*) return 0 ;;
	esac
	echo "$BENCH_IDLE" > "/sys/block/$1/md/$attr" || kts_fail "$1: cannot set md/$attr to $BENCH_IDLE"
	[[ $(cat "/sys/block/$1/md/$attr") == "$BENCH_IDLE" ]] || kts_fail "$1: md/$attr reads $(cat "/sys/block/$1/md/$attr"), not $BENCH_IDLE"
}

# stop_arrays : every array stopped, the dm-linear maps gone, every ramdisk
# empty again (brd frees the pages on discard)
stop_arrays() {
	local md dev
	for md in /sys/block/md*/md/array_state; do
		[[ -e $md && $(cat "$md") != clear ]] || continue
		md=${md#/sys/block/} md=${md%%/*}
		mdadm --stop "/dev/$md" > /dev/null || kts_fail "mdadm --stop $md"
	done
	for dev in /dev/mapper/m*; do
		[[ -e $dev ]] && dmsetup remove "${dev##*/}"
	done
	for dev in /dev/ram*; do
		mdadm --zero-superblock "$dev" 2> /dev/null || true
		blkdiscard "$dev"
	done
}

# the raw ramdisk first (the limit, a few rounds), then each level
for ((rep = 1; rep <= BENCH_REPS && rep <= 3; rep++)); do
	run "r$rep-raw-rand4k" /dev/ram0 rand4k raw raw "$rep"
	run "r$rep-raw-seq1m" /dev/ram0 seq1m raw raw "$rep"
done
blkdiscard /dev/ram0
for spec in $BENCH_LEVELS; do
	level=${spec%%:*} n=${spec##*:}
	if ((${BENCH_COST_WRITES:-0} > 0)) && [[ " ${configs[*]} " == *" llbitmap "* ]]; then
		cost "$level" "$n"
	fi
	for i in "${!configs[@]}"; do
		make_array "md$i" "$level" "$n" "${configs[i]}" $((i * width))
		set_idle "md$i"
		prepare "raid$level-${configs[i]}" "/dev/md$i"
	done
	for ((rep = 1; rep <= BENCH_REPS; rep++)); do
		echo "bench: raid$level round $rep of $BENCH_REPS"
		for wl in rand4k seq1m; do
			# the array that goes first turns with the round
			for ((j = 0; j < ${#configs[@]}; j++)); do
				i=$(((rep - 1 + j) % ${#configs[@]}))
				run "r$rep-raid$level-${configs[i]}-$wl" "/dev/md$i" "$wl" "raid$level" "${configs[i]}" "$rep"
			done
		done
	done
	for i in "${!configs[@]}"; do
		log_bits "raid$level-${configs[i]}" "/dev/md$i" "after the rounds"
		((BENCH_VERIFY_MB > 0)) && run "r1-raid$level-${configs[i]}-verify" "/dev/md$i" verify "raid$level" "${configs[i]}" 1
	done
	stop_arrays
done
kts_check "no kernel splat" kts_dmesg_clean
kts_result done=1
