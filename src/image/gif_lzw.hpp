// GIF LZW data that stb_image refuses but PIL reads: an encoder may keep sending 12-bit codes after
// the code table is full without a clear code ("deferred clear"). Decoders stop adding entries then
// (PIL's GifDecode.c does); stb_image keeps counting and stops with "too many codes". The first
// frame's raster is decoded here with the table capped at 4096 and written back as plain LZW that
// any decoder reads the same, so stb_image then decodes the file as PIL does.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

namespace clipfind {

// A copy of the GIF with its first frame's image data re-encoded; empty when there is no frame or
// its data is unreadable here too. At most width*height indices are kept (the frame's size).
std::vector<uint8_t> gif_first_frame_reencoded(std::span<const uint8_t> gif);

}  // namespace clipfind
