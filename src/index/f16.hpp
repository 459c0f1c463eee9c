// IEEE 754 binary16 conversion (round to nearest even), used for f16 index storage.
#pragma once
#include <cstdint>
#include <cstring>

namespace clipfind {

inline uint16_t float_to_half(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint32_t sign = (x >> 16) & 0x8000u;
  x &= 0x7FFFFFFFu;
  if (x >= 0x7F800000u) return static_cast<uint16_t>(sign | (x > 0x7F800000u ? 0x7E00u : 0x7C00u));
  if (x >= 0x477FF000u) return static_cast<uint16_t>(sign | 0x7C00u);  // rounds to >= 65520: inf
  if (x < 0x38800000u) {                                               // below the smallest normal half
    if (x < 0x33000000u) return static_cast<uint16_t>(sign);           // rounds to zero
    const uint32_t mant = (x & 0x7FFFFFu) | 0x800000u;
    const int shift = 126 - static_cast<int>(x >> 23);  // 14..24
    uint32_t h = mant >> shift;
    const uint32_t rem = mant & ((1u << shift) - 1);
    const uint32_t half = 1u << (shift - 1);
    if (rem > half || (rem == half && (h & 1))) ++h;
    return static_cast<uint16_t>(sign | h);
  }
  uint32_t h = ((x >> 13) - (112u << 10));
  const uint32_t rem = x & 0x1FFFu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1))) ++h;
  return static_cast<uint16_t>(sign | h);
}

inline float half_to_float(uint16_t h) {
  // Shift into f32 position and rescale by 2^112: exact for normals and subnormals alike.
  uint32_t bits = static_cast<uint32_t>(h & 0x7FFFu) << 13;
  float f;
  std::memcpy(&f, &bits, 4);
  f *= 0x1p112f;
  if ((h & 0x7C00u) == 0x7C00u) f = (h & 0x3FFu) ? __builtin_nanf("") : __builtin_inff();
  return (h & 0x8000u) ? -f : f;
}

}  // namespace clipfind
