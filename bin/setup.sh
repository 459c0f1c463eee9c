#!/usr/bin/env bash
# Installs the Debian packages clipfind's build and tests need. Idempotent: does nothing when
# everything is present, so `npm start` / `npm test` can always call it.
set -euo pipefail
packages=(cmake g++ clang emscripten libstb-dev nlohmann-json3-dev libgtest-dev libbenchmark-dev unicode-data)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
echo "clipfind setup: installing ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO=sudo; else
    echo "clipfind setup: need root to install: ${missing[*]}" >&2; exit 1
  fi
else SUDO=""; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
