// GPT-2's byte-to-unicode alphabet: every byte maps to a printable code point, so byte-level BPE
// vocabularies can be stored as text.
#pragma once
#include <array>
#include <cstdint>
#include <string>

namespace clipfind::byte_level {

inline const std::array<char32_t, 256>& byte_to_char() {
  static const auto table = [] {
    std::array<char32_t, 256> t{};
    int n = 0;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      t[size_t(b)] = printable ? char32_t(b) : char32_t(256 + n++);
    }
    return t;
  }();
  return table;
}

// -1 when c is not in the alphabet.
inline int char_to_byte(char32_t c) {
  static const auto inverse = [] {
    std::array<int16_t, 512> t;
    t.fill(-1);
    const auto& f = byte_to_char();
    for (int b = 0; b < 256; ++b) t[f[size_t(b)]] = int16_t(b);
    return t;
  }();
  return c < 512 ? inverse[c] : -1;
}

}  // namespace clipfind::byte_level
