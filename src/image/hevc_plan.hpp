// Where the HEVC data of a HEIC's primary image lies, so the JS layer can decode it with libde265
// directly (web/hevc_decode.js) and convert YCbCr to RGB as libheif's heif-convert does.
//
// Why not libheif's own decode: libheif's Emscripten build (libheif-js) turns libde265's deblocking
// and SAO filters off for speed, so its pixels are not the HEVC stream's (chroma off by a level in
// places, up to 4 levels in RGB); libde265 with its filters on gives exactly the planes of Debian's
// libheif. libheif still decodes what this plan does not describe (direct = false): clean-aperture
// crops, overlays, derived or non-HEVC items, anything malformed.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

namespace clipfind {

struct ByteRange {
  uint64_t offset = 0, length = 0;  // within the file
};

struct HevcTile {
  std::vector<ByteRange> parameter_sets;  // the hvcC NAL units (VPS/SPS/PPS/SEI), each without length prefix
  std::vector<ByteRange> data;            // the item's extents: NAL units with nal_length_size-byte prefixes
  int nal_length_size = 4;
  // The item's colr nclx box (-1 when absent: libheif then takes the stream's VUI, and so does the JS).
  int primaries = -1, matrix = -1, full_range = -1;
};

struct HevcPlan {
  bool direct = false;
  uint32_t columns = 1, rows = 1;         // 1x1 for a single coded image
  uint32_t width = 0, height = 0;         // output size (a grid's may crop its tiles), before irot/imir
  uint32_t tile_width = 0, tile_height = 0;  // the tiles' ispe: where each tile is placed
  std::vector<HevcTile> tiles;            // row-major
};

// Never throws: a plan that cannot be made is returned with direct = false.
HevcPlan read_hevc_plan(std::span<const uint8_t> bytes);

}  // namespace clipfind
