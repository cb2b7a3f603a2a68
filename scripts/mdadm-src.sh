#!/bin/bash
# Fetch mdadm's source - with its own test suite, `test` and `tests/` - from
# Debian's source packages and build that mdadm (without libudev: the guest
# runs no udevd, so mdadm makes its device nodes itself).
#
# Usage: scripts/mdadm-src.sh <out-dir> [suite]
#   <out-dir>/src/          the unpacked source; src/mdadm (and src/test_stripe) the build
#   <out-dir>/version       the Debian version used
#
# Why trixie's mdadm 4.4 (the default) and not bookworm's 4.2: 4.4 is the
# release Debian pairs with kernel 6.12, and its tests follow kernel 6.x md
# (multipath and linear skipped when the kernel lacks them, the 6.x sysfs
# and resync behaviour); 4.2's suite predates them and fails for reasons
# unrelated to any bitmap. sid's 4.6 is mdadm with --bitmap=lockless
# (mainline's llbitmap), for the interop tests. A deb-src line for the
# suite is added (source packages only: no binary package comes from it),
# and nothing is installed over the host's mdadm.
set -euo pipefail

out=$(realpath -m "$1")
suite=${2:-trixie}
# When the mirror's pool lags its index (a snapshot mirror), fall back to
# this version, checked against this hash of its .dsc.
case $suite in
trixie)
	pin_version=4.4-11
	pin_dsc_sha256=64b7fd072e71af730fab71715ec6468de670ce77ac9d3561d600372d281a4efc ;;
sid)
	pin_version=4.6-3
	pin_dsc_sha256=7b75c97a9dc7e3bd154f97c4c506ad8f210b1e2fe005adc6bdc649d22217752d ;;
*) echo "mdadm-src: no pinned version for suite $suite (trixie, sid)" >&2; exit 2 ;;
esac
sources=/etc/apt/sources.list.d/kts-deb-src-$suite.sources

for tool in dpkg-source /usr/lib/apt/apt-helper; do
	command -v "$tool" > /dev/null || { echo "mdadm-src: $tool missing (Debian package dpkg-dev / apt)" >&2; exit 1; }
done

if [[ ! -f $sources ]]; then
	if [[ $(id -u) != 0 ]]; then
		echo "mdadm-src: needs a deb-src line for $suite; as root: make deps, or create $sources" >&2
		exit 1
	fi
	echo "mdadm-src: adding deb-src $suite ($sources)"
	cat > "$sources" <<-EOF
	# Added by llbitmap-ts (scripts/mdadm-src.sh): mdadm's source and test suite.
	Types: deb-src
	URIs: http://deb.debian.org/debian
	Suites: $suite
	Components: main
	Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	EOF
	apt-get update -q > /dev/null
fi

rm -rf "$out/dl" "$out/src"
mkdir -p "$out/dl"
cd "$out/dl"
if apt-get source -q -o APT::Sandbox::User=root --download-only "mdadm/$suite" > apt.log 2>&1; then
	dsc=$(ls mdadm_*.dsc)
	echo "mdadm-src: $dsc from $suite"
else
	echo "mdadm-src: apt-get source mdadm/$suite failed ($(grep -m1 '^E:' apt.log || tail -1 apt.log)); using the pinned $pin_version"
	pool=http://deb.debian.org/debian/pool/main/m/mdadm
	dsc=mdadm_$pin_version.dsc
	/usr/lib/apt/apt-helper -o APT::Sandbox::User=root download-file "$pool/$dsc" "$dsc" "SHA256:$pin_dsc_sha256" > /dev/null
	# every file the .dsc names, checked against the .dsc's own hashes
	awk '/^Checksums-Sha256:/ { on = 1; next } /^[^ ]/ { on = 0 } on && NF == 3 { print $1, $3 }' "$dsc" |
	while read -r sum file; do
		/usr/lib/apt/apt-helper -o APT::Sandbox::User=root download-file "$pool/$file" "$file" "SHA256:$sum" > /dev/null
	done
fi
dpkg-source --no-check -x "$dsc" "$out/src" > /dev/null
version=$(sed -n 's/^Version: //p' "$dsc")

echo "mdadm-src: building mdadm $version (log: $out/build.log)"
# test_stripe too: 07testreshape5 skips itself without it
if ! make -C "$out/src" -j"$(nproc)" CXFLAGS="-O2 -DNO_LIBUDEV" mdadm test_stripe > "$out/build.log" 2>&1; then
	tail -20 "$out/build.log" >&2
	exit 1
fi
echo "$version" > "$out/version"
echo "mdadm-src: $out/src/mdadm ($("$out/src/mdadm" --version 2>&1))"
