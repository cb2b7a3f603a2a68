# llbitmap-input: bad input gets a clear error and changes nothing.
set -e
kts_load_md 1
kts_brd 2 64
mdadm --create /dev/md0 --run --level=1 --raid-devices=2 \
	--bitmap=internal --assume-clean /dev/ram0 /dev/ram1
d=/sys/block/md0/md/llbitmap

# tunable VALUE: write, expect EINVAL, and the value unchanged
refuse() {
	local f=$1 v=$2 before after err
	before=$(<"$d/$f")
	if err=$(echo "$v" 2>&1 > "$d/$f"); then
		kts_fail "$f accepted '$v'"
	fi
	after=$(<"$d/$f")
	[[ $err == *"Invalid argument"* ]] || kts_fail "$f: '$v' gave '$err', not EINVAL"
	[[ $before == "$after" ]] || kts_fail "$f changed from $before to $after on '$v'"
	echo "ok: $f refuses '$v'"
}
for f in daemon_sleep barrier_idle; do
	for v in garbage 0 -1 3601 99999999999999999999 "1.5" ""; do
		refuse "$f" "$v"
	done
	echo 7 > "$d/$f"
	[[ $(<"$d/$f") == 7 ]] || kts_fail "$f did not take 7"
done
kts_result tunables_checked=1

kts_step "a bitmap in a file is the classic bitmap's, llbitmap=1 or not"
# The guest has no filesystem the classic bitmap can map a file on (it
# needs bmap; /var/tmp is tmpfs): the classic bitmap takes the file and
# fails to read it. The lockless bitmap must not be the one answering.
mdadm --stop /dev/md0
mdadm --zero-superblock /dev/ram0 /dev/ram1
mdadm --create /dev/md1 --run --level=1 --raid-devices=2 --assume-clean \
	--bitmap=/var/tmp/md1-bitmap --force /dev/ram0 /dev/ram1 || true
mdadm --stop /dev/md1 2> /dev/null || true
dmesg | grep -q "md: bitmap read error: (4096B @ 0)" || kts_fail "the classic bitmap did not read the bitmap file"
if dmesg | grep "md/llbitmap: md1"; then kts_fail "the lockless bitmap answered for a file bitmap"; fi
kts_result file_bitmap_classic=1

kts_step "a bad module parameter is refused"
mdadm --stop --scan 2>/dev/null || true
kts_unload_md || kts_fail "cannot unload md"
if modprobe md-mod llbitmap=maybe 2>/tmp/modprobe.err; then kts_fail "llbitmap=maybe accepted"; fi
cat /tmp/modprobe.err
dmesg | tail -3
kts_result bad_param_refused=1
kts_check "no kernel splat" kts_dmesg_clean
kts_result done=1
