// Image decoding (stb_image: JPEG baseline/progressive, PNG 8/16-bit, GIF first frame, BMP) to RGB
// as PIL's ImageOps.exif_transpose + convert("RGB") would produce it. WebP, HEIC and AVIF are decoded
// by the JS layer (web/image_codecs.js); their headers are read in image/formats.hpp.
//
// Orientation, as PIL's exif_transpose finds it: the EXIF Orientation of a JPEG's APP1 segment or a
// PNG's eXIf chunk; else a `tiff:Orientation` in the PNG's XMP (iTXt/tEXt "XML:com.adobe.xmp").
#pragma once
#include <cstdint>
#include <span>
#include <string>

#include "image/image.hpp"

namespace clipfind {

struct DecodeOptions {
  uint64_t max_pixels = kDefaultMaxPixels;
  bool apply_exif_orientation = true;
};

// Throws Error with InvalidImage (empty/corrupt/truncated), UnsupportedFormat (TIFF, PSD, ...; and
// WebP/HEIC/AVIF, which only the JS layer decodes) or ImageTooLarge.
RgbImage decode_image(std::span<const uint8_t> bytes, const DecodeOptions& options = {});

// RGBA pixels (e.g. from createImageBitmap/ImageData) to RGB: alpha is dropped, as convert("RGB").
RgbImage rgb_from_rgba(std::span<const uint8_t> rgba, int width, int height, uint64_t max_pixels = kDefaultMaxPixels);

// EXIF orientation (1..8) from a JPEG's APP1 segment; 1 when absent or unreadable.
int jpeg_exif_orientation(std::span<const uint8_t> bytes);
// EXIF date taken ("YYYY:MM:DD HH:MM:SS": DateTimeOriginal, else DateTime) from a JPEG; "" if absent.
std::string jpeg_exif_datetime(std::span<const uint8_t> bytes);
// Orientation (1..8) of a PNG: eXIf chunk, else XMP tiff:Orientation; 1 when absent.
int png_orientation(std::span<const uint8_t> bytes);
// Orientation tag of a TIFF-structured EXIF block (starting at "II*\0" / "MM\0*"); 1 if absent.
int tiff_orientation(std::span<const uint8_t> tiff);
// Applies an EXIF orientation so the image is upright (PIL's exif_transpose).
RgbImage apply_orientation(const RgbImage& in, int orientation);

}  // namespace clipfind
