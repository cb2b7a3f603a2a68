#!/bin/bash
# Fetch the source of a mainline kernel with the lockless bitmap
# (drivers/md/md-llbitmap.c, 6.18 on) from Debian's packages: the newest
# linux-source-X.Y that trixie-backports or sid carries, 7.3 preferred,
# for the interop tests and the peer bench. Nothing is installed on the
# host: apt runs on its own lists and cache, and the .deb (checked by apt
# against the signed index) is only unpacked.
#
# Usage: scripts/mainline-src.sh <out-dir>
#   <out-dir>/linux-source-X.Y.tar.xz   the tarball (a link into the cache)
#   <out-dir>/tarball                   its path
#   <out-dir>/version                   the Debian version
# The .deb is kept in $KTS_CACHE (default ~/.cache/llbitmap-ts)/src.
set -euo pipefail

out=$(realpath -m "$1")
cache=${KTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/llbitmap-ts}/src
want=${KTS_MAINLINE:-7.3}
apt=$cache/apt
mkdir -p "$out" "$apt/lists/partial" "$apt/archives/partial"

command -v dpkg-deb > /dev/null || { echo "mainline-src: dpkg-deb missing (Debian package dpkg)" >&2; exit 1; }
[[ -f /usr/share/keyrings/debian-archive-keyring.gpg ]] ||
	{ echo "mainline-src: /usr/share/keyrings/debian-archive-keyring.gpg missing (Debian package debian-archive-keyring)" >&2; exit 1; }

cat > "$apt/sources.list" <<-EOF
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie-backports main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian sid main
EOF
opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
	-o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt" -o "Dir::Cache::Archives=$apt/archives"
	-o Dir::State::status=/dev/null -o APT::Sandbox::User=root -q)

echo "mainline-src: reading trixie-backports' and sid's package lists"
apt-get "${opts[@]}" update > "$apt/update.log" 2>&1 || { tail -5 "$apt/update.log" >&2; exit 1; }
pkg=linux-source-$want
if ! apt-cache "${opts[@]}" show "$pkg" > /dev/null 2>&1; then
	pkg=$(apt-cache "${opts[@]}" search '^linux-source-[0-9]+\.[0-9]+$' | awk '{ print $1 }' | sort -V | tail -1)
	[[ -n $pkg ]] || { echo "mainline-src: no linux-source-X.Y in trixie-backports or sid" >&2; exit 1; }
	echo "mainline-src: no linux-source-$want; taking $pkg"
fi
version=$(apt-cache "${opts[@]}" policy "$pkg" | awk '/Candidate:/ { print $2 }')
deb=$(ls "$apt/archives/${pkg}_"*"_all.deb" 2>/dev/null | grep -F "${version//:/%3a}" || true)
if [[ -z $deb ]]; then
	echo "mainline-src: downloading $pkg $version"
	(cd "$apt/archives" && apt-get "${opts[@]}" download "$pkg=$version" > "$apt/download.log" 2>&1) ||
		{ tail -5 "$apt/download.log" >&2; exit 1; }
	deb=$(ls "$apt/archives/${pkg}_"*"_all.deb" | tail -1)
fi
ver=${pkg#linux-source-}
tarball=$cache/$pkg-$version.tar.xz
if [[ ! -f $tarball ]]; then
	echo "mainline-src: unpacking $(basename "$deb")"
	rm -rf "$cache/unpack"
	dpkg-deb -x "$deb" "$cache/unpack"
	mv "$cache/unpack/usr/src/linux-source-$ver.tar.xz" "$tarball.tmp"
	mv "$tarball.tmp" "$tarball"
	rm -rf "$cache/unpack"
fi
# only the newest tarball and .deb stay
ls -1t "$cache"/linux-source-*.tar.xz | tail -n +2 | xargs -r rm -f
ls -1t "$apt/archives"/linux-source-*.deb | tail -n +2 | xargs -r rm -f
ln -sfn "$tarball" "$out/linux-source-$ver.tar.xz"
echo "$out/linux-source-$ver.tar.xz" > "$out/tarball"
echo "$version" > "$out/version"
echo "mainline-src: $pkg $version: $out/linux-source-$ver.tar.xz"
