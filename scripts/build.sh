#!/usr/bin/env bash
# Builds both targets of the one CMake project: native (tests, benchmarks) and WebAssembly
# (web/wasm/clipfind.{mjs,wasm}). Incremental: a second run only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
# Debian's emscripten runs its JS optimizer with the system's node modules.
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
what=${1:-all}
if [ "$what" = all ] || [ "$what" = native ]; then
  [ -f build/native/CMakeCache.txt ] || cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build/native -j"$jobs" >/dev/null
fi
if [ "$what" = all ] || [ "$what" = wasm ]; then
  # dav1d's source (Debian 12's), for the AV1 decoder module web/wasm/dav1d.* (cmake/dav1d_wasm.cmake).
  bash scripts/dav1d-source.sh
  [ -f build/wasm/CMakeCache.txt ] || emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build/wasm -j"$jobs" | grep -E "^clipfind:|error" || true
  test -f web/wasm/clipfind.wasm
  test -f web/wasm/dav1d.wasm
  # ONNX Runtime Web builds the browser loads at run time (WASM only, and WebGPU), beside the API.
  ort=node_modules/onnxruntime-web/dist
  if [ -d "$ort" ]; then
    mkdir -p web/vendor/ort
    for f in ort.wasm.min.mjs ort-wasm-simd-threaded.mjs ort-wasm-simd-threaded.wasm \
             ort.webgpu.min.mjs ort-wasm-simd-threaded.asyncify.mjs ort-wasm-simd-threaded.asyncify.wasm; do
      cmp -s "$ort/$f" "web/vendor/ort/$f" || cp "$ort/$f" web/vendor/ort/
    done
  fi
  # The WebP/HEIC/AVIF decoders (and libjpeg-turbo for JPEGs stb_image refuses) web/image_codecs.js imports on first use,
  # and pdf.js with its worker (web/pdf.js, when a PDF is added), for pages served without a
  # bundler; same paths as in node_modules.
  for f in libheif-js/libheif-wasm/libheif-bundle.mjs \
           @jsquash/webp/decode.js @jsquash/webp/utils.js @jsquash/webp/codec/dec/webp_dec.js @jsquash/webp/codec/dec/webp_dec.wasm \
           @jsquash/avif/decode.js @jsquash/avif/utils.js @jsquash/avif/codec/dec/avif_dec.js @jsquash/avif/codec/dec/avif_dec.wasm \
           @jsquash/jpeg/decode.js @jsquash/jpeg/utils.js @jsquash/jpeg/meta.js @jsquash/jpeg/codec/dec/mozjpeg_dec.js @jsquash/jpeg/codec/dec/mozjpeg_dec.wasm \
           pdfjs-dist/build/pdf.min.mjs pdfjs-dist/build/pdf.worker.min.mjs; do
    if [ -f "node_modules/$f" ]; then
      mkdir -p "web/vendor/$(dirname "$f")"
      cmp -s "node_modules/$f" "web/vendor/$f" || cp "node_modules/$f" "web/vendor/$f"
    fi
  done
  # mediabunny (video demuxing for WebCodecs, web/video_browser.js): its single-file bundle, shipped in
  # the package (package.json files) because it is a dev dependency (its @types clash with lib dom).
  mb=node_modules/mediabunny/dist/bundles/mediabunny.min.mjs
  if [ -f "$mb" ]; then cmp -s "$mb" web/vendor/mediabunny.min.mjs || cp "$mb" web/vendor/mediabunny.min.mjs; fi
fi
