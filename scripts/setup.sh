#!/usr/bin/env bash
# Installs the Debian packages clipfind's build and tests need. Idempotent: does nothing when
# everything is present, so `npm start` / `npm test` can always call it.
set -euo pipefail
cd "$(dirname "$0")/.."
# sentencepiece: spm_train/spm_encode, the reference for the SentencePiece tokenizer tests.
# python3-pil, python3-numpy: the PIL reference of the image tests; libheif-examples (heif-convert): the
# HEIC/AVIF reference; chromium: browser tests; ffmpeg: video and audio decoding in Node and the CLI;
# curl, xz-utils: dav1d's Debian source for the AV1 decoder (scripts/dav1d-source.sh).
packages=(cmake g++ clang bzip2 emscripten libstb-dev nlohmann-json3-dev libgtest-dev libbenchmark-dev unicode-data sentencepiece
          python3-pil python3-numpy libheif-examples chromium ffmpeg curl xz-utils)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
install_node_modules() {
  # Test references (transformers.js) and tools come from npm. onnxruntime-node's install script
  # would try to download CUDA files; nothing here needs them.
  if [ ! -d node_modules/@huggingface/transformers ]; then
    echo "clipfind setup: npm ci" >&2
    ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund >&2
  fi
}
if [ ${#missing[@]} -eq 0 ]; then install_node_modules; exit 0; fi
echo "clipfind setup: installing ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO=sudo; else
    echo "clipfind setup: need root to install: ${missing[*]}" >&2; exit 1
  fi
else SUDO=""; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${missing[@]}" >&2
install_node_modules
