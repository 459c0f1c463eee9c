// An 8-bit RGB image, row-major, interleaved.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace clipfind {

// The pixel limit when the caller gives none: larger images are refused before they are allocated.
inline constexpr uint64_t kDefaultMaxPixels = 100'000'000;

struct RgbImage {
  int width = 0, height = 0;
  std::vector<uint8_t> data;  // width * height * 3
  const uint8_t* px(int x, int y) const { return data.data() + (size_t(y) * size_t(width) + size_t(x)) * 3; }
  uint8_t* px(int x, int y) { return data.data() + (size_t(y) * size_t(width) + size_t(x)) * 3; }
};

}  // namespace clipfind
