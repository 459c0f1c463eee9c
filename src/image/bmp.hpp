// BMP as PIL's BmpImagePlugin reads it, for the files stb_image refuses: OS/2 (12-byte) headers,
// RLE4/RLE8 (with PIL's own RLE reader, delta and absolute runs, short data left at index 0), pixel
// data at the file's declared offset wherever it points, top-down palettes, out-of-range palette
// indices (PIL's palette is a gray ramp beyond its entries), 16-bit 555/565 scaled as `v * 255 / max`.
// Header sizes 12, 40, 64, 108 and 124, depths 1/4/8/16/24/32, BI_RGB/RLE8/RLE4/BITFIELDS.
#pragma once
#include <cstdint>
#include <optional>
#include <span>

#include "image/image.hpp"

namespace clipfind {

// nullopt when PIL would refuse the file too (unknown header, depth or bitfields, truncated raw
// data); throws Error(ImageTooLarge) over max_pixels before allocating.
std::optional<RgbImage> decode_bmp_as_pil(std::span<const uint8_t> bytes, uint64_t max_pixels);

}  // namespace clipfind
