// libFuzzer: FlatIndex::from_bytes on arbitrary bytes; what loads must also search and re-serialize.
#include <cstdint>
#include <span>
#include <vector>

#include "common/error.hpp"
#include "index/flat_index.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    auto index = clipfind::FlatIndex::from_bytes(std::span<const uint8_t>(data, size));
    std::vector<float> q(index.dim(), 0.5f);
    index.search(q, 5);
    index.to_bytes();
  } catch (const clipfind::Error&) {
  }
  return 0;
}
