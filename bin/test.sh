#!/usr/bin/env bash
# All tests: native unit tests (ctest) and the WASM build through the JS API (node --test).
set -euo pipefail
cd "$(dirname "$0")/.."
ctest --test-dir build/native --output-on-failure -j2
node --test --test-reporter=spec tests/js/
