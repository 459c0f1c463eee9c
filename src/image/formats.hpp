// Headers of the formats decoded outside the C++ core: WebP (libwebp), HEIC/HEIF (libde265, libheif)
// and AVIF (dav1d, libavif). Those decoders are WebAssembly builds that web/image_codecs.js
// loads only when such a file appears; this file reads what must be known before running them, from
// untrusted bytes and without allocating pixels:
//   - which decoder the file needs (the RIFF/WEBP and ISO-BMFF `ftyp` signatures and brands),
//   - the pixel size, so a decompression bomb is refused before anything is decoded,
//   - the orientation the decoded pixels still need, as an EXIF orientation (1..8):
//       WebP: the EXIF chunk's Orientation (PIL's exif_transpose applies it);
//       HEIF/AVIF: the primary item's `irot`/`imir` properties composed in their listed order, with
//       libheif's reading of them (heif-convert is the reference). The JS layer applies this value
//       where it decoded the planes itself (libheif's own fallback decode applies them itself).
//       EXIF inside a HEIF file is not applied: the transforms already make the image upright
//       (iPhones write both).
// The decoded RGBA comes back through rgb_from_rgba (alpha dropped as convert("RGB")) and
// apply_orientation, then the same preprocessing as every other image.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <utility>

#include "image/coded_plan.hpp"
#include "image/image.hpp"

namespace clipfind {

enum class ForeignFormat { None, WebP, Heif, Avif };

struct ForeignHeader {
  ForeignFormat format = ForeignFormat::None;
  std::string name;          // "WebP", "HEIC", "AVIF": what error messages call the file
  uint64_t width = 0, height = 0;  // before orientation (rotation does not change the pixel count)
  int orientation = 1;       // see above: EXIF (WebP) or irot/imir (HEIF, AVIF)
  bool animated = false;     // WebP with an ANIM chunk: the first frame is what PIL shows
  CodedPlan plan;            // HEIC/AVIF: where its HEVC/AV1 data lies (image/coded_plan.hpp)
};

// format None for anything that is not WebP/HEIF/AVIF (JPEG, PNG, MP4, text...). For those three,
// throws Error(InvalidImage) naming the format and what is missing when the header is truncated or
// inconsistent (no image chunk, no `meta`/`pitm`/`ispe`), and Error(ImageTooLarge) over max_pixels.
ForeignHeader read_foreign_header(std::span<const uint8_t> bytes, uint64_t max_pixels = kDefaultMaxPixels);

// The EXIF orientation that irot (anticlockwise quarter turns) followed by imir gives, for tests and
// for read_foreign_header; `ops` lists them in order as {is_mirror, value}.
int orientation_of_transforms(std::span<const std::pair<bool, int>> ops);

}  // namespace clipfind
