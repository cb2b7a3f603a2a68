# mdadm-suite: the set-up for mdadm's own test suite (build/mdadm/src, from
# Debian's source package) in the guest. qemu/mdadm-tests.ts runs each test
# as a step of its own (`kts_mdadm_mode MODE && kts_mdadm_test NAME`:
# md_mod.llbitmap=MODE, then `./test --tests=NAME` on fresh loop devices),
# so each has its own watchdog, results and kernel splats.
set -e
src=${MDADM_SRC:?}
logs=$KTS_OUT/mdadm-logs
mkdir -p "$logs"

# The suite runs `which mdadm`: the fresh build, first in PATH, behind the
# shim that shows lockless bitmaps for -X.
mkdir -p /usr/local/sbin
cp "$src/mdadm" /usr/local/sbin/mdadm.real
cp "$KTS_ROOT/qemu/guest/mdadm-shim" /usr/local/sbin/mdadm
# No systemd in the guest: the suite's systemctl set-environment calls (for
# udev rules, which do not run here either) have nothing to talk to.
printf '#!/bin/sh\n# stand-in: no systemd in the guest\nexit 0\n' > /usr/local/sbin/systemctl
chmod +x /usr/local/sbin/systemctl
export PATH=/usr/local/sbin:$PATH
mkdir -p /etc/modprobe.d
modprobe loop max_loop=16 || kts_fail "modprobe loop"
kts_load_md 0
echo "mdadm-suite: mdadm $(mdadm --version 2>&1 | cut -d' ' -f3)"

cd "$src"
# adapted copies of tests with a classic-bitmap-only check (NAME.llbitmap,
# written by qemu/mdadm-tests.ts); tests/ is on the guest's overlay
if [[ -d ${MDADM_ADAPTED:-} ]] && compgen -G "$MDADM_ADAPTED/*" > /dev/null; then
	cp "$MDADM_ADAPTED"/* tests/
fi
# The suite makes its 14 backing files with `dd bs=1K` and deletes them
# after every test: half a million 1 KiB writes, 15 s per test under TCG.
# The same files (zeros, the suite's sizes) made by truncate take no time;
# the suite uses a file that is there.
size=$(sed -n 's/^size=\([0-9]*\)$/\1/p' tests/func.sh)
ddfsize=$(sed -n 's/^ddfsize=\([0-9]*\)$/\1/p' tests/func.sh)
[[ $size && $ddfsize ]] || kts_fail "no size= / ddfsize= in $src/tests/func.sh"
set +e

# kts_mdadm_mode MODE: md_mod.llbitmap=MODE for the next test, also when
# the test reloads md
kts_mdadm_mode() {
	echo "options md_mod llbitmap=$1" > /etc/modprobe.d/kts-md.conf
	modprobe md-mod && echo "$1" > /sys/module/md_mod/parameters/llbitmap || return 1
	[[ $(cat /sys/module/md_mod/parameters/llbitmap) == "$([[ $1 == 1 ]] && echo Y || echo N)" ]] || {
		echo "md_mod.llbitmap is not $1"
		return 1
	}
}

# kts_mdadm_test NAME: one test of the suite; its verdict, time and first
# error as a result line.
kts_mdadm_test() {
	local t=$1 d start rc secs verdict result why
	for d in $(seq 0 13); do
		truncate -s $((d > 7 ? ddfsize : size))K /var/tmp/mdtest$d
	done
	start=$(date +%s)
	./test --tests="$t" --keep-going --save-logs --logdir="$logs" > "$logs/$t.out" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	# the suite's verdict follows "tests/NAME... " on its own output line
	verdict=$(grep -a "tests/$t\.\.\. " "$logs/$t.out" | sed 's/\x1b\[[0-9;]*m//g; s/.*\.\.\. //' || true)
	case $verdict in
	*succeeded*) result=pass ;;
	*skipping*) result=skip ;;
	*) result=fail ;;
	esac
	# the first line that says what went wrong: the test's own message, else
	# the last command the test ran (set -x)
	# (the suite calls getenforce/setenforce, which the guest does not have:
	# not the error)
	why=$(grep -hE "ERROR|[Ee]rror|FAIL|SKIPPING, REASON|not found|cannot|[Ff]ailed" "$logs/$t.log" "$logs/$t.out" 2> /dev/null |
		grep -vE "(get|set)enforce: command not found" | head -1 |
		sed 's/\x1b\[[0-9;]*m//g' | cut -c1-200 || true)
	if [[ $result == fail && -z $why && -f $logs/$t.log ]]; then
		why=$(grep -E '^\+' "$logs/$t.log" | tail -1 | cut -c1-200)
	fi
	[[ $result == pass ]] && why=
	kts_result test="$t" result="$result" rc="$rc" seconds="$secs" first_error="$why"
	echo "mdadm-suite: $t $result ${secs}s"
}
