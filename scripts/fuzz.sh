#!/usr/bin/env bash
# npm run fuzz -- --seconds N: builds the libFuzzer targets (clang, ASan + UBSan) and runs each for N
# seconds from its committed seed corpus, then the JS fuzzer of library files (parsed in JS, out of
# libFuzzer's reach) for N seconds; prints executions and crashes per target. Crash inputs are kept
# in artifacts/fuzz/; once fixed, copy them to tests/fuzz/regressions/<target>/ (the suite replays them).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=30
only=
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --target) only=$2; shift 2 ;;
    *) echo "usage: npm run fuzz -- [--seconds N] [--target NAME]   (NAME: e.g. model_config, library_bytes)" >&2; exit 2 ;;
  esac
done
[ -f build/fuzz/CMakeCache.txt ] || cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCLIPFIND_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ >/dev/null
mkdir -p artifacts/fuzz
cmake --build build/fuzz -j"$(nproc)" >artifacts/fuzz/build.log 2>&1 || { tail -30 artifacts/fuzz/build.log >&2; exit 1; }
# One target per core at a time: the same seconds per target, in a fraction of the wall time.
run_target() {
  local name=$1 target=${1#fuzz_} work log crashes runs
  work=$(mktemp -d)
  cp -r "tests/fuzz/corpus/$target/." "$work/" 2>/dev/null || true
  cp -r "tests/fuzz/regressions/$target/." "$work/" 2>/dev/null || true
  log=artifacts/fuzz/$name.log
  if "build/fuzz/$name" "$work" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=20 -print_final_stats=1 \
       -artifact_prefix="artifacts/fuzz/$name-" >"$log" 2>&1; then
    crashes=0
  else
    crashes=1
    grep -E "^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)" "$log" >&2 || tail -5 "$log" >&2
  fi
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo '?')
  echo "$name: $runs executions in ${seconds}s, $crashes crash(es)" >"$log.summary"
  rm -rf "$work"
  return $crashes
}
status=0
pids=()
names=()
for src in tests/fuzz/fuzz_*.cpp; do
  name=$(basename "$src" .cpp)
  [ -z "$only" ] || [ "$only" = "${name#fuzz_}" ] || continue
  while [ "$(jobs -rp | wc -l)" -ge "$(nproc)" ]; do wait -n || true; done
  run_target "$name" &
  pids+=($!)
  names+=("$name")
done
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || status=1
  cat "artifacts/fuzz/${names[$i]}.log.summary"
done
if [ -z "$only" ] || [ "$only" = library_bytes ]; then
  node tests/fuzz/js/fuzz_library_bytes.mjs --seconds "$seconds" || status=1
fi
exit $status
