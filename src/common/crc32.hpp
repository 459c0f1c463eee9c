// CRC-32 (IEEE 802.3, the zlib/PNG polynomial) for integrity checks of serialized data.
#pragma once
#include <cstddef>
#include <cstdint>

namespace clipfind {

uint32_t crc32(const uint8_t* data, size_t size, uint32_t seed = 0);

}  // namespace clipfind
