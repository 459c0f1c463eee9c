#!/usr/bin/env bash
# npm run fuzz -- --seconds N: builds the libFuzzer targets (clang, ASan + UBSan) and runs each for N
# seconds from its committed seed corpus; prints executions and crashes per target. Crash inputs are
# kept in artifacts/fuzz/ to become regression tests.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=30
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    *) echo "usage: npm run fuzz -- [--seconds N]" >&2; exit 2 ;;
  esac
done
[ -f build/fuzz/CMakeCache.txt ] || cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCLIPFIND_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build build/fuzz -j"$(nproc)" >/dev/null
mkdir -p artifacts/fuzz
status=0
for bin in build/fuzz/fuzz_*; do
  name=$(basename "$bin")
  work=$(mktemp -d)
  cp -r "tests/fuzz/corpus/${name#fuzz_}/." "$work/" 2>/dev/null || true
  log=artifacts/fuzz/$name.log
  if "$bin" "$work" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=20 -artifact_prefix="artifacts/fuzz/$name-" >"$log" 2>&1; then
    crashes=0
  else
    crashes=1
    status=1
  fi
  runs=$(grep -oE 'Done [0-9]+ runs' "$log" | grep -oE '[0-9]+' || echo '?')
  echo "$name: $runs executions in ${seconds}s, $crashes crash(es)"
  rm -rf "$work"
done
exit $status
