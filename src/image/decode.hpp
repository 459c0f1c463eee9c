// Image decoding (stb_image: JPEG baseline/progressive, PNG 8/16-bit, GIF first frame, BMP) to RGB
// as PIL's ImageOps.exif_transpose + convert("RGB") would produce it.
#pragma once
#include <cstdint>
#include <span>
#include <string>

#include "image/image.hpp"

namespace clipfind {

struct DecodeOptions {
  uint64_t max_pixels = 100'000'000;  // refuse larger images before allocating them
  bool apply_exif_orientation = true;
};

// Throws Error with InvalidImage (empty/corrupt/truncated), UnsupportedFormat or ImageTooLarge.
RgbImage decode_image(std::span<const uint8_t> bytes, const DecodeOptions& options = {});

// RGBA pixels (e.g. from createImageBitmap/ImageData) to RGB: alpha is dropped, as convert("RGB").
RgbImage rgb_from_rgba(std::span<const uint8_t> rgba, int width, int height, uint64_t max_pixels = 100'000'000);

// EXIF orientation (1..8) from a JPEG's APP1 segment; 1 when absent or unreadable.
int jpeg_exif_orientation(std::span<const uint8_t> bytes);
// EXIF date taken ("YYYY:MM:DD HH:MM:SS": DateTimeOriginal, else DateTime) from a JPEG; "" if absent.
std::string jpeg_exif_datetime(std::span<const uint8_t> bytes);
// Applies an EXIF orientation so the image is upright (PIL's exif_transpose).
RgbImage apply_orientation(const RgbImage& in, int orientation);

}  // namespace clipfind
