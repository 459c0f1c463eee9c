// Embind surface of src/common: the build's version and the CRC-32 that every file format uses.
#include <emscripten/bind.h>

#include <cstdint>
#include <string>

#include "common/crc32.hpp"

namespace {

std::string version() { return CLIPFIND_VERSION; }

// CRC-32 of heap bytes, continuing from `seed` (the CRC of what came before): JS checks a large file
// piece by piece, so it never lies whole in the heap.
uint32_t crc32Update(uint32_t seed, uintptr_t ptr, size_t len) {
  return clipfind::crc32(reinterpret_cast<const uint8_t*>(ptr), len, seed);
}

}  // namespace

EMSCRIPTEN_BINDINGS(clipfind_common) {
  emscripten::function("version", &version);
  emscripten::function("crc32Update", &crc32Update);
}
