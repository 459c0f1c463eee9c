// Where the coded data of a HEIC's or AVIF's primary image lies (HEVC or AV1, one item or a grid of
// tiles), so the JS layer can decode it to YCbCr planes itself (libde265: web/hevc_decode.js; dav1d:
// web/av1_decode.js) and convert YCbCr to RGB as libheif's heif-convert does (web/ycbcr_to_rgb.js).
//
// Why not the packaged decoders' RGB: libheif's Emscripten build (libheif-js) turns libde265's
// deblocking and SAO filters off for speed, so its pixels are not the HEVC stream's (up to 4 levels
// off in RGB), and libavif (@jsquash/avif) upsamples 4:2:0 chroma bilinearly where libheif repeats it
// (up to ~100 levels off at colour edges). The planes are exact by the codecs' specifications; the
// conversion is libheif's. What this plan does not describe (direct = false: clean-aperture crops,
// overlays, layered AV1, other codecs, anything malformed) the packaged decoders still decode.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

namespace clipfind {

struct ByteRange {
  uint64_t offset = 0, length = 0;  // within the file
};

enum class Codec { Hevc, Av1 };

struct CodedTile {
  // HEVC: the hvcC NAL units (VPS/SPS/PPS/SEI), each without length prefix. AV1: the av1C box's
  // configOBUs (at most one range), which go before the item's data as libheif sends them.
  std::vector<ByteRange> config;
  // The item's extents. HEVC: NAL units with nal_length_size-byte prefixes; AV1: OBUs.
  std::vector<ByteRange> data;
  int nal_length_size = 4;
  // The item's colr nclx box (-1 when absent: libheif then takes the stream's VUI, and so does the JS).
  int primaries = -1, matrix = -1, full_range = -1;
};

struct CodedPlan {
  bool direct = false;
  Codec codec = Codec::Hevc;
  uint32_t columns = 1, rows = 1;         // 1x1 for a single coded image
  uint32_t width = 0, height = 0;         // output size (a grid's may crop its tiles), before irot/imir
  uint32_t tile_width = 0, tile_height = 0;  // the tiles' ispe: where each tile is placed
  std::vector<CodedTile> tiles;            // row-major
};

// Never throws: a plan that cannot be made is returned with direct = false.
CodedPlan read_coded_plan(std::span<const uint8_t> bytes);

}  // namespace clipfind
