# Helpers for guest scenarios; every scenario script is run with this sourced
# and `set -o pipefail`. Scenarios use `set -e` or check results themselves.

KTS_OUT=${KTS_OUT:-/run/kts}

# kts_result KEY=VALUE... : append one JSON record to results.jsonl.
# Values that look like numbers are written as numbers.
kts_result() {
	local json="{" sep="" kv k v
	for kv in "$@"; do
		k=${kv%%=*}; v=${kv#*=}
		if [[ $v =~ ^-?[0-9]+(\.[0-9]+)?$ ]]; then
			json+="$sep\"$k\":$v"
		else
			v=${v//\\/\\\\}; v=${v//\"/\\\"}; v=${v//$'\n'/\\n}; v=${v//$'\t'/\\t}
			json+="$sep\"$k\":\"$v\""
		fi
		sep=","
	done
	echo "$json}" >> "$KTS_OUT/results.jsonl"
}

kts_step() { echo "=== $*"; }

kts_fail() {
	echo "FAIL: $*"
	kts_result step=fail message="$*"
	exit 1
}

# kts_check DESCRIPTION COMMAND... : run, record pass/fail, stop on failure.
kts_check() {
	local what=$1; shift
	if "$@"; then
		echo "ok: $what"
		kts_result check="$what" ok=1
	else
		kts_fail "$what"
	fi
}

# kts_load_md LLBITMAP : load md-mod.ko with the given llbitmap= value and
# the personalities (modprobe resolves raid456's helpers).
kts_load_md() {
	modprobe md-mod llbitmap="$1" || kts_fail "modprobe md-mod llbitmap=$1"
	local p
	for p in raid0 raid1 raid10 raid456; do
		modprobe "$p" || kts_fail "modprobe $p"
	done
}

kts_unload_md() {
	local p
	for p in raid456 raid10 raid1 raid0 md-mod; do
		modprobe -r "$p" || return 1
	done
}

# kts_brd COUNT SIZE_MB : COUNT ramdisks /dev/ram0.. of SIZE_MB each.
kts_brd() {
	modprobe brd rd_nr="$1" rd_size=$(($2 * 1024)) max_part=0 || kts_fail "modprobe brd"
}

# kts_dmesg_clean : no kernel splat so far (the host checks too).
kts_dmesg_clean() {
	! dmesg | grep -E 'BUG: |WARNING: |Oops|Call Trace:|blocked for more than'
}
