#!/usr/bin/env bash
# Fetches dav1d's source as Debian 12 ships it (upstream 1.0.0 plus Debian's patches: the AV1 decoder
# behind libheif's AVIF decoding) into build/dav1d/, for the WebAssembly build of web/wasm/dav1d.*.
# Both files are pinned by SHA-256; a new Debian revision means updating the three lines below.
# Idempotent: does nothing when the patched tree is there.
set -euo pipefail
cd "$(dirname "$0")/.."
version=1.0.0
debian_rev=2+deb12u1
orig_sha=51737db7e4897e599684f873a4725176dd3c779e639411d7c4fce134bb5ebb82
debian_sha=ae53e2bda2a18275cc66570194fced9b9681df2b3b8e041586a26a59d69a727e
pool=http://deb.debian.org/debian/pool/main/d/dav1d
out=build/dav1d
[ -f "$out/.patched-$debian_rev" ] && exit 0
mkdir -p build/downloads
for f in "dav1d_$version.orig.tar.xz:$orig_sha" "dav1d_$version-$debian_rev.debian.tar.xz:$debian_sha"; do
  name=${f%%:*} sha=${f##*:}
  if ! echo "$sha  build/downloads/$name" | sha256sum -c --status 2>/dev/null; then
    curl -fsSL --retry 3 -o "build/downloads/$name" "$pool/${name//+/%2B}"
    echo "$sha  build/downloads/$name" | sha256sum -c --quiet
  fi
done
rm -rf "$out" && mkdir -p "$out"
tar -xJf "build/downloads/dav1d_$version.orig.tar.xz" -C "$out" --strip-components=1
tar -xJf "build/downloads/dav1d_$version-$debian_rev.debian.tar.xz" -C "$out"
while read -r patch; do
  case "$patch" in ''|'#'*) continue ;; esac
  patch -d "$out" -p1 -s < "$out/debian/patches/$patch"
done < "$out/debian/patches/series"
touch "$out/.patched-$debian_rev"
