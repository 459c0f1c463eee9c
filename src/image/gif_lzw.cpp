#include "image/gif_lzw.hpp"

#include <algorithm>

namespace clipfind {
namespace {

constexpr int kTable = 4096;

// GIF LZW (LSB-first codes, no early change) to palette indices, as PIL decodes it: no entries are
// added once the table is full; decoding stops at the end code, at the first impossible code or
// after `limit` indices.
bool lzw_decode(std::span<const uint8_t> data, int min_size, size_t limit, std::vector<uint8_t>& out) {
  if (min_size < 1 || min_size > 11) return false;
  const int clear = 1 << min_size, end = clear + 1;
  std::vector<uint16_t> prefix(kTable);
  std::vector<uint8_t> suffix(kTable), first(kTable);
  std::vector<uint8_t> stack;
  for (int i = 0; i < clear; ++i) suffix[i] = first[i] = uint8_t(i);
  int size = min_size + 1, next = clear + 2, prev = -1;
  uint32_t bits = 0;
  int nbits = 0;
  size_t i = 0;
  while (out.size() < limit) {
    while (nbits < size && i < data.size()) bits |= uint32_t(data[i++]) << nbits, nbits += 8;
    if (nbits < size) break;
    const int code = int(bits & ((1u << size) - 1));
    bits >>= size;
    nbits -= size;
    if (code == clear) {
      size = min_size + 1, next = clear + 2, prev = -1;
      continue;
    }
    if (code == end) break;
    if (code > next || (code == next && prev < 0)) break;  // impossible code: keep what came before
    int c = code == next ? prev : code;
    stack.clear();
    if (code == next) stack.push_back(first[prev]);
    while (c >= clear) stack.push_back(suffix[c]), c = prefix[c];
    stack.push_back(uint8_t(c));
    for (auto it = stack.rbegin(); it != stack.rend() && out.size() < limit; ++it) out.push_back(*it);
    if (prev >= 0 && next < kTable) {
      prefix[next] = uint16_t(prev);
      suffix[next] = stack.back();  // the first index of this code's string
      first[next] = first[prev];
      ++next;
    }
    if (next == (1 << size) && size < 12) ++size;
    prev = code;
  }
  return !out.empty();
}

// Indices as LZW with a fixed code size: every index a literal code, a clear code before the table
// would grow. Larger than the original, read identically by every decoder.
std::vector<uint8_t> lzw_encode_plain(const std::vector<uint8_t>& idx, int min_size) {
  const int clear = 1 << min_size, size = min_size + 1, per_clear = clear - 2;
  std::vector<uint8_t> bytes;
  uint32_t bits = 0;
  int nbits = 0;
  auto put = [&](int code) {
    bits |= uint32_t(code) << nbits;
    nbits += size;
    while (nbits >= 8) bytes.push_back(uint8_t(bits)), bits >>= 8, nbits -= 8;
  };
  for (size_t k = 0; k < idx.size(); ++k) {
    if (k % size_t(per_clear) == 0) put(clear);
    put(idx[k]);
  }
  put(clear + 1);
  if (nbits > 0) bytes.push_back(uint8_t(bits));
  return bytes;
}

}  // namespace

std::vector<uint8_t> gif_first_frame_reencoded(std::span<const uint8_t> b) {
  if (b.size() < 13) return {};
  const bool global = (b[10] & 0x80) != 0;
  size_t i = 13 + (global ? 3u * (2u << (b[10] & 7)) : 0u);
  while (i < b.size() && b[i] == 0x21) {  // extensions before the first frame
    size_t j = i + 2;
    while (j < b.size() && b[j] != 0) j += size_t(b[j]) + 1;
    i = j + 1;
  }
  if (i + 10 > b.size() || b[i] != 0x2C) return {};
  const size_t w = size_t(b[i + 5]) | size_t(b[i + 6]) << 8, h = size_t(b[i + 7]) | size_t(b[i + 8]) << 8;
  const uint8_t packed = b[i + 9];
  size_t at = i + 10 + ((packed & 0x80) ? 3u * (2u << (packed & 7)) : 0u);  // local colour table
  if (at + 1 > b.size()) return {};
  const int min_size = b[at];
  const size_t data_start = at;
  std::vector<uint8_t> lzw;
  size_t j = at + 1;
  while (j < b.size() && b[j] != 0) {
    const size_t n = std::min<size_t>(b[j], b.size() - j - 1);
    lzw.insert(lzw.end(), b.begin() + j + 1, b.begin() + j + 1 + n);
    j += size_t(b[j]) + 1;
  }
  const size_t data_end = std::min(j + 1, b.size());
  std::vector<uint8_t> idx;
  const int size = std::max(min_size, 2);
  if (!lzw_decode(lzw, min_size, w * h, idx)) return {};
  const auto coded = lzw_encode_plain(idx, size);
  std::vector<uint8_t> out(b.begin(), b.begin() + data_start);
  out.push_back(uint8_t(size));
  for (size_t k = 0; k < coded.size(); k += 255) {
    const size_t n = std::min<size_t>(255, coded.size() - k);
    out.push_back(uint8_t(n));
    out.insert(out.end(), coded.begin() + k, coded.begin() + k + n);
  }
  out.push_back(0);
  out.insert(out.end(), b.begin() + data_end, b.end());
  return out;
}

}  // namespace clipfind
