#!/usr/bin/env bash
# All tests: native unit tests (ctest, with every fuzz target replaying its corpus and recorded
# crashes), under ASan + UBSan too in CI (or with CLIPFIND_SANITIZE=1), the WASM build through the JS
# API, the CLI and Chromium (node --test), and in CI each fuzz target for 15 s (eight targets: the CI budget; long runs are npm run fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."
ctest --test-dir build/native --output-on-failure -j2
if [ "${CI:-}" = "true" ] || [ "${CLIPFIND_SANITIZE:-}" = "1" ]; then
  [ -f build/asan/CMakeCache.txt ] || cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DCLIPFIND_SANITIZE=ON -DCMAKE_CXX_COMPILER=clang++ >/dev/null
  cmake --build build/asan -j2 --target clipfind_tests clipfind_fuzz_replay >/dev/null
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir build/asan --output-on-failure -j2
fi
node --test --test-reporter=spec --test-concurrency=1 tests/js/
# Each fuzz target briefly (CI, or CLIPFIND_FUZZ_SECONDS=N); long runs: npm run fuzz -- --seconds N.
if [ "${CI:-}" = "true" ] || [ -n "${CLIPFIND_FUZZ_SECONDS:-}" ]; then
  bash scripts/fuzz.sh --seconds "${CLIPFIND_FUZZ_SECONDS:-15}"
fi
