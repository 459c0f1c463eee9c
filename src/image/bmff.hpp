// ISO-BMFF (HEIF/AVIF) box walking over untrusted bytes: big-endian reads and the boxes directly
// inside a byte range. Shared by the header reader (formats.cpp) and the coded-data plan (coded_plan.cpp).
#pragma once
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace clipfind::bmff {

inline uint32_t be32(const uint8_t* p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }
inline uint16_t be16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
inline bool is(const uint8_t* p, const char* four) { return std::memcmp(p, four, 4) == 0; }

struct Box {
  size_t body = 0, end = 0;  // payload start and box end, as file offsets
  char type[5] = {};
  bool is(const char* four) const { return std::memcmp(type, four, 4) == 0; }
};

// The boxes directly inside [begin, end); stops (without throwing) at a truncated box, which the
// caller notices as a missing box.
inline std::vector<Box> children(std::span<const uint8_t> b, size_t begin, size_t end) {
  std::vector<Box> out;
  size_t i = begin;
  while (i + 8 <= end && out.size() < 4096) {
    uint64_t size = be32(b.data() + i);
    size_t header = 8;
    if (size == 1) {
      if (i + 16 > end) break;
      size = uint64_t(be32(b.data() + i + 8)) << 32 | be32(b.data() + i + 12);
      header = 16;
    } else if (size == 0) {
      size = end - i;
    }
    if (size < header || size > end - i) break;
    Box box;
    box.body = i + header;
    box.end = i + size_t(size);
    std::memcpy(box.type, b.data() + i + 4, 4);
    out.push_back(box);
    i = box.end;
  }
  return out;
}

inline const Box* find(const std::vector<Box>& boxes, const char* type) {
  for (const Box& x : boxes)
    if (x.is(type)) return &x;
  return nullptr;
}

}  // namespace clipfind::bmff
