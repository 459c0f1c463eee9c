#include "image/bmp.hpp"

#include <string>
#include <vector>

#include "common/error.hpp"

namespace clipfind {
namespace {

uint32_t u32(std::span<const uint8_t> b, size_t o) { return o + 4 <= b.size() ? uint32_t(b[o]) | uint32_t(b[o + 1]) << 8 | uint32_t(b[o + 2]) << 16 | uint32_t(b[o + 3]) << 24 : 0; }
uint16_t u16(std::span<const uint8_t> b, size_t o) { return o + 2 <= b.size() ? uint16_t(b[o] | b[o + 1] << 8) : 0; }

// PIL's BmpRleDecoder (Pillow 9.4), byte for byte, including reading a delta's offsets from the
// second pair of bytes after the escape.
std::vector<uint8_t> rle_indices(std::span<const uint8_t> b, size_t pos, size_t w, size_t h, bool rle4) {
  std::vector<uint8_t> data;
  const size_t total = w * h;
  data.reserve(total);
  size_t x = 0;
  auto get = [&](size_t& p) -> int { return p < b.size() ? b[p++] : -1; };
  while (data.size() < total) {
    const int pixels = get(pos), byte = get(pos);
    if (pixels < 0 || byte < 0) break;
    if (pixels) {
      size_t n = size_t(pixels);
      if (x + n > w) n = x < w ? w - x : 0;
      for (size_t k = 0; k < n; ++k) data.push_back(rle4 ? uint8_t(k % 2 == 0 ? byte >> 4 : byte & 15) : uint8_t(byte));
      x += n;
    } else if (byte == 0) {
      while (data.size() % w != 0) data.push_back(0);
      x = 0;
    } else if (byte == 1) {
      break;
    } else if (byte == 2) {
      if (pos + 2 > b.size()) break;
      pos += 2;
      const int right = get(pos), up = get(pos);
      if (right < 0 || up < 0) break;
      data.insert(data.end(), size_t(right) + size_t(up) * w, 0);
      x = data.size() % w;
    } else {
      const size_t count = rle4 ? size_t(byte) / 2 : size_t(byte);
      const size_t got = std::min(count, b.size() - std::min(pos, b.size()));
      for (size_t k = 0; k < got; ++k) {
        const uint8_t v = b[pos + k];
        if (rle4) {
          data.push_back(v >> 4);
          data.push_back(v & 15);
        } else {
          data.push_back(v);
        }
      }
      pos += got;
      if (got < count) break;
      x += size_t(byte);
      if (pos % 2 != 0) ++pos;
    }
  }
  if (data.size() > total) data.resize(total);
  return data;
}

}  // namespace

std::optional<RgbImage> decode_bmp_as_pil(std::span<const uint8_t> b, uint64_t max_pixels) {
  if (b.size() < 26 || b[0] != 'B' || b[1] != 'M') return std::nullopt;
  size_t offset = u32(b, 10);
  const uint32_t hs = u32(b, 14);
  int64_t width, height;
  int bits, direction = -1;
  uint32_t compression = 0, colors = 0, padding = 4;
  uint32_t masks[4] = {0, 0, 0, 0};
  size_t pos = 14 + size_t(hs);  // where the palette (or separate masks) starts
  if (hs == 12) {
    width = u16(b, 18), height = u16(b, 20), bits = u16(b, 24), padding = 3;
  } else if (hs == 40 || hs == 64 || hs == 108 || hs == 124) {
    if (b.size() < 14 + size_t(hs)) return std::nullopt;
    const bool flip = b[18 + 7] == 0xFF;
    direction = flip ? 1 : -1;
    width = int32_t(u32(b, 18));
    height = flip ? int64_t(uint64_t(1) << 32) - u32(b, 22) : int64_t(u32(b, 22));
    bits = u16(b, 28);
    compression = u32(b, 30);
    colors = u32(b, 46);
    if (compression == 3) {
      if (hs >= 52) {
        for (int k = 0; k < 4; ++k) masks[k] = u32(b, 54 + 4 * k);
      } else {
        for (int k = 0; k < 3; ++k) masks[k] = u32(b, pos + 4 * k);
        pos += 12;
      }
    }
  } else {
    return std::nullopt;
  }
  if (width <= 0 || height <= 0) return std::nullopt;
  if (uint64_t(width) * uint64_t(height) > max_pixels)
    throw Error(ErrorCode::ImageTooLarge, "BMP of " + std::to_string(width) + "x" + std::to_string(height) + " pixels exceeds the limit of " +
                                              std::to_string(max_pixels) + " pixels");
  if (!colors) colors = bits < 32 ? 1u << bits : 0;
  if (offset == 14 + size_t(hs) && bits <= 8) offset += 4 * size_t(colors);
  if (bits != 1 && bits != 4 && bits != 8 && bits != 16 && bits != 24 && bits != 32) return std::nullopt;
  // Channel layout for 16/32 bits: {mask, shift, max} per R, G, B.
  struct Ch { uint32_t mask; int shift; uint32_t max; };
  Ch ch[3];
  auto set = [&](uint32_t r, uint32_t g, uint32_t bl) {
    const uint32_t m[3] = {r, g, bl};
    for (int k = 0; k < 3; ++k) {
      int s = 0;
      while (s < 32 && !((m[k] >> s) & 1)) ++s;
      ch[k] = {m[k], s, s < 32 ? m[k] >> s : 0};
    }
  };
  if (compression == 3) {
    const bool ok32 = bits == 32 && ((masks[0] == 0xFF0000 && masks[1] == 0xFF00 && masks[2] == 0xFF) ||
                                     (masks[0] == 0xFF000000 && masks[1] == 0xFF0000 && masks[2] == 0xFF00) ||
                                     (masks[0] == 0xFF && masks[1] == 0xFF00 && masks[2] == 0xFF0000));
    const bool ok16 = bits == 16 && ((masks[0] == 0xF800 && masks[1] == 0x7E0 && masks[2] == 0x1F) || (masks[0] == 0x7C00 && masks[1] == 0x3E0 && masks[2] == 0x1F));
    const bool ok24 = bits == 24 && masks[0] == 0xFF0000 && masks[1] == 0xFF00 && masks[2] == 0xFF;
    if (!ok32 && !ok16 && !ok24) return std::nullopt;
    set(masks[0], masks[1], masks[2]);
  } else if (compression == 0 || ((compression == 1 || compression == 2) && bits <= 8)) {
    if (bits == 16) set(0x7C00, 0x3E0, 0x1F);
    if (bits == 32) set(0xFF0000, 0xFF00, 0xFF);
  } else {
    return std::nullopt;
  }
  // Palette: PIL's starts as a gray ramp; the file's entries (BGR or BGRX) replace its first ones.
  uint8_t pal[256][3];
  for (int k = 0; k < 256; ++k) pal[k][0] = pal[k][1] = pal[k][2] = uint8_t(k);
  if (bits <= 8) {
    if (colors == 0 || colors > 65536) return std::nullopt;
    for (uint32_t k = 0; k < colors && k < 256; ++k) {
      const size_t e = pos + size_t(k) * padding;
      if (e + 3 > b.size()) break;
      pal[k][0] = b[e + 2], pal[k][1] = b[e + 1], pal[k][2] = b[e];
    }
  }
  const size_t W = size_t(width), H = size_t(height);
  RgbImage img;
  img.width = int(width);
  img.height = int(height);
  img.data.assign(W * H * 3, 0);
  auto row_of = [&](size_t r) { return direction == 1 ? r : H - 1 - r; };  // file row -> image row
  if (compression == 1 || compression == 2) {
    const auto idx = rle_indices(b, offset, W, H, compression == 2);
    for (size_t i = 0; i < idx.size(); ++i) {
      uint8_t* px = img.data.data() + (row_of(i / W) * W + i % W) * 3;
      px[0] = pal[idx[i]][0], px[1] = pal[idx[i]][1], px[2] = pal[idx[i]][2];
    }
    return img;
  }
  const size_t stride = ((W * size_t(bits) + 31) >> 3) & ~size_t(3);
  // PIL needs the pixels of every row, not the last row's padding; shorter data it calls truncated.
  const size_t row_bytes = (W * size_t(bits) + 7) / 8;
  if (offset > b.size() || b.size() - offset < (H - 1) * stride + row_bytes) return std::nullopt;
  for (size_t r = 0; r < H; ++r) {
    const uint8_t* s = b.data() + offset + r * stride;
    uint8_t* out = img.data.data() + row_of(r) * W * 3;
    for (size_t x = 0; x < W; ++x, out += 3) {
      if (bits <= 8) {
        const unsigned i = bits == 8 ? s[x] : bits == 4 ? (s[x / 2] >> (x % 2 ? 0 : 4)) & 15 : (s[x / 8] >> (7 - x % 8)) & 1;
        out[0] = pal[i][0], out[1] = pal[i][1], out[2] = pal[i][2];
      } else if (bits == 24) {
        out[0] = s[x * 3 + 2], out[1] = s[x * 3 + 1], out[2] = s[x * 3];
      } else {
        const uint32_t v = bits == 16 ? uint32_t(s[x * 2] | s[x * 2 + 1] << 8) : u32(std::span<const uint8_t>(s + x * 4, 4), 0);
        for (int k = 0; k < 3; ++k) out[k] = ch[k].max ? uint8_t(((v & ch[k].mask) >> ch[k].shift) * 255 / ch[k].max) : 0;
      }
    }
  }
  return img;
}

}  // namespace clipfind
