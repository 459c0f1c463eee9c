// libFuzzer: MultiVectorIndex::from_bytes on arbitrary bytes; what loads must also search and
// re-serialize to the same bytes. As in fuzz_index_bytes, the harness stamps a valid CRC-32 on every
// input so that mutations reach the structural checks behind the checksum.
#include <cstdint>
#include <span>
#include <vector>

#include "common/crc32.hpp"
#include "common/error.hpp"
#include "index/multi_vector_index.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  if (bytes.size() >= 8) {
    const uint32_t crc = clipfind::crc32(bytes.data(), bytes.size() - 4);
    for (int i = 0; i < 4; ++i) bytes[bytes.size() - 4 + i] = uint8_t(crc >> (8 * i));
  }
  try {
    auto index = clipfind::MultiVectorIndex::from_bytes(bytes);
    std::vector<float> q(index.dim() * 2, 0.5f);
    index.search(q, 2, 5);
    if (index.to_bytes() != bytes) __builtin_trap();
  } catch (const clipfind::Error&) {
  }
  return 0;
}
