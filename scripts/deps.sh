#!/bin/bash
# Install what the build, the guest and the tests need, and nothing twice.
# Debian packages come from the machine's configured suites (bookworm and
# bookworm-security carry everything listed here); npm packages from the
# lockfile. When not root, print the exact command and stop.
set -euo pipefail

PKGS=(
	# kernel build
	build-essential bc bison flex libelf-dev libssl-dev dwarves cpio kmod
	xz-utils rsync python3 sparse
	# the kernel source itself (bookworm-security: 6.12.x)
	linux-source-6.12
	# the guest: QEMU, and the host programs it runs over 9p
	qemu-system-x86 busybox-static mdadm fio util-linux e2fsprogs
	# mdadm's test suite: its source package, and what the suite runs
	dpkg-dev udev
	# bench charts; perf in the guest (make bench-profile)
	gnuplot-nox fonts-dejavu-core linux-perf
)

missing=()
for p in "${PKGS[@]}"; do
	[[ $p == \#* ]] && continue
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done

if ((${#missing[@]})); then
	cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
	if [[ $(id -u) != 0 ]]; then
		echo "deps: missing Debian packages: ${missing[*]}" >&2
		echo "deps: run as root:  $cmd" >&2
		exit 1
	fi
	echo "deps: installing ${missing[*]}"
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
		apt-get update -q
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
	fi
fi

# npm: reinstall only when the lockfile changed since the last install.
if [[ ! -f node_modules/.package-lock.json ]] || ! cmp -s package-lock.json node_modules/.kts-lock; then
	echo "deps: npm ci"
	npm ci --no-audit --no-fund --loglevel=error
	cp package-lock.json node_modules/.kts-lock
fi
