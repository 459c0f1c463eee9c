#include "image/formats.hpp"

#include <cstring>
#include <vector>

#include "common/error.hpp"
#include "image/bmff.hpp"
#include "image/decode.hpp"
#include "image/coded_plan.hpp"

namespace clipfind {
namespace {

using bmff::be16;
using bmff::be32;
using bmff::Box;
using bmff::children;
using bmff::find;
using bmff::is;

uint32_t le32(const uint8_t* p) { return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24; }
uint32_t le24(const uint8_t* p) { return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16; }

[[noreturn]] void bad(const std::string& fmt, const std::string& why) { throw Error(ErrorCode::InvalidImage, fmt + " " + why); }

ForeignHeader webp(std::span<const uint8_t> b) {
  ForeignHeader h;
  h.format = ForeignFormat::WebP;
  h.name = "WebP";
  // RIFF's own size may be larger than the file (truncated) or smaller (trailing bytes): chunks are
  // read within both, as libwebp does.
  size_t end = b.size();
  const uint64_t riff_end = uint64_t(le32(b.data() + 4)) + 8;
  if (riff_end < end) end = size_t(riff_end);
  bool have_size = false;
  for (size_t i = 12; i + 8 <= end;) {
    const uint8_t* c = b.data() + i;
    const uint64_t len = le32(c + 4);
    const uint8_t* p = c + 8;
    const uint64_t avail = end - i - 8;
    if (is(c, "VP8X") && len >= 10 && avail >= 10) {
      h.width = uint64_t(le24(p + 4)) + 1;
      h.height = uint64_t(le24(p + 7)) + 1;
      h.animated = (p[0] & 0x02) != 0;
      have_size = true;
    } else if (is(c, "VP8 ") && !have_size && avail >= 10) {
      if (p[3] != 0x9d || p[4] != 0x01 || p[5] != 0x2a) bad("WebP", "data is corrupt (bad VP8 start code)");
      h.width = uint32_t(p[6] | p[7] << 8) & 0x3fff;
      h.height = uint32_t(p[8] | p[9] << 8) & 0x3fff;
      have_size = true;
    } else if (is(c, "VP8L") && !have_size && avail >= 5) {
      if (p[0] != 0x2f) bad("WebP", "data is corrupt (bad VP8L signature)");
      const uint32_t bits = le32(p + 1);
      h.width = (bits & 0x3fff) + 1;
      h.height = ((bits >> 14) & 0x3fff) + 1;
      have_size = true;
    } else if (is(c, "EXIF") && avail >= len) {
      std::span<const uint8_t> tiff(p, size_t(len));
      if (len >= 6 && std::memcmp(p, "Exif\0\0", 6) == 0) tiff = tiff.subspan(6);  // some writers keep the JPEG prefix
      h.orientation = tiff_orientation(tiff);
    }
    if (len > avail) break;
    i += 8 + size_t(len) + (len & 1);
  }
  if (!have_size) bad("WebP", "header is corrupt or truncated (no VP8/VP8L/VP8X chunk)");
  if (h.width == 0 || h.height == 0) bad("WebP", "has no pixels");
  return h;
}

ForeignHeader heif(std::span<const uint8_t> b) {
  ForeignHeader h;
  // The decoder follows the brands: AVIF when the major brand says so, or when only AVIF brands
  // are listed beside the structural mif1/msf1.
  const auto top = children(b, 0, b.size());
  const Box* ftyp = find(top, "ftyp");
  bool avif = false, hevc = false;
  if (ftyp && ftyp->end - ftyp->body >= 8) {
    for (size_t i = ftyp->body; i + 4 <= ftyp->end; i += 4) {
      if (i == ftyp->body + 4) continue;  // minor version
      const uint8_t* p = b.data() + i;
      if (is(p, "avif") || is(p, "avis")) avif = true;
      if (is(p, "heic") || is(p, "heix") || is(p, "hevc") || is(p, "hevx") || is(p, "heim") || is(p, "heis")) hevc = true;
    }
  }
  // The major brand decides; it is read even from a truncated ftyp (the caller checked 12 bytes).
  const uint8_t* major = b.data() + 8;
  if (is(major, "avif") || is(major, "avis")) avif = true, hevc = false;
  if (is(major, "heic") || is(major, "heix") || is(major, "hevc") || is(major, "hevx")) avif = false;
  h.format = avif && !hevc ? ForeignFormat::Avif : ForeignFormat::Heif;
  h.name = h.format == ForeignFormat::Avif ? "AVIF" : "HEIC";
  if (!ftyp) bad(h.name, "header is truncated (incomplete ftyp box)");
  const Box* meta = find(top, "meta");
  if (!meta || meta->end - meta->body < 4) bad(h.name, "is truncated or not an image (no complete meta box)");
  const auto in_meta = children(b, meta->body + 4, meta->end);  // meta is a FullBox
  const Box* pitm = find(in_meta, "pitm");
  if (!pitm || pitm->end - pitm->body < 6) bad(h.name, "has no primary item (pitm box)");
  const uint32_t primary = b[pitm->body] == 0 ? be16(b.data() + pitm->body + 4) : pitm->end - pitm->body >= 8 ? be32(b.data() + pitm->body + 4) : 0;
  const Box* iprp = find(in_meta, "iprp");
  if (!iprp) bad(h.name, "has no item properties (iprp box)");
  const auto in_iprp = children(b, iprp->body, iprp->end);
  const Box* ipco = find(in_iprp, "ipco");
  if (!ipco) bad(h.name, "has no item properties (ipco box)");
  const auto props = children(b, ipco->body, ipco->end);
  // Every ipma box associates items with 1-based indices into ipco, in order of application.
  std::vector<std::pair<bool, int>> ops;
  bool have_size = false;
  for (const Box& ipma : in_iprp) {
    if (std::memcmp(ipma.type, "ipma", 4) != 0 || ipma.end - ipma.body < 8) continue;
    const uint8_t version = b[ipma.body];
    const bool wide = (b[ipma.body + 3] & 1) != 0;
    const uint32_t count = be32(b.data() + ipma.body + 4);
    size_t i = ipma.body + 8;
    for (uint32_t e = 0; e < count; ++e) {
      const size_t id_len = version < 1 ? 2 : 4;
      if (i + id_len + 1 > ipma.end) break;
      const uint32_t item = version < 1 ? be16(b.data() + i) : be32(b.data() + i);
      const uint8_t n = b[i + id_len];
      i += id_len + 1;
      for (uint8_t a = 0; a < n; ++a) {
        if (i + (wide ? 2 : 1) > ipma.end) break;
        const size_t index = wide ? (be16(b.data() + i) & 0x7fff) : (b[i] & 0x7f);
        i += wide ? 2 : 1;
        if (item != primary || index == 0 || index > props.size()) continue;
        const Box& p = props[index - 1];
        const size_t len = p.end - p.body;
        if (std::memcmp(p.type, "ispe", 4) == 0 && len >= 12) {
          h.width = be32(b.data() + p.body + 4);
          h.height = be32(b.data() + p.body + 8);
          have_size = true;
        } else if (std::memcmp(p.type, "irot", 4) == 0 && len >= 1) {
          ops.push_back({false, b[p.body] & 3});
        } else if (std::memcmp(p.type, "imir", 4) == 0 && len >= 1) {
          ops.push_back({true, b[p.body] & 1});
        }
      }
    }
  }
  if (!have_size) bad(h.name, "primary image has no size (ispe property)");
  if (h.width == 0 || h.height == 0) bad(h.name, "has no pixels");
  h.orientation = orientation_of_transforms(ops);
  h.plan = read_coded_plan(b);
  return h;
}

}  // namespace

int orientation_of_transforms(std::span<const std::pair<bool, int>> ops) {
  // Applies the operations to a 3x2 image of distinct pixels and finds the EXIF orientation that
  // gives the same result: the composition needs no table of its own.
  RgbImage probe;
  probe.width = 3;
  probe.height = 2;
  for (int i = 0; i < 6; ++i) probe.data.insert(probe.data.end(), {uint8_t(i), 0, 0});
  RgbImage img = probe;
  for (const auto& [mirror, v] : ops) {
    // irot: anticlockwise quarter turns (EXIF 8 = 90° anticlockwise, 3 = 180°, 6 = 270°).
    // imir: libheif reads axis 0 as a flip top-to-bottom (EXIF 4), axis 1 as left-to-right (EXIF 2).
    static constexpr int rot[4] = {1, 8, 3, 6};
    img = apply_orientation(img, mirror ? (v ? 2 : 4) : rot[v & 3]);
  }
  for (int o = 1; o <= 8; ++o) {
    const RgbImage t = apply_orientation(probe, o);
    if (t.width == img.width && t.data == img.data) return o;
  }
  return 1;  // unreachable: the eight orientations form a group
}

ForeignHeader read_foreign_header(std::span<const uint8_t> b, uint64_t max_pixels) {
  ForeignHeader h;
  auto at = [&](size_t off, const char* four) { return b.size() >= off + 4 && is(b.data() + off, four); };
  if (at(0, "RIFF") && at(8, "WEBP")) {
    h = webp(b);
  } else if (at(4, "ftyp")) {
    bool image = false;
    for (const char* brand : {"heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1", "avif", "avis"})
      if (at(8, brand)) image = true;
    if (!image) return h;  // MP4, MOV, 3GP...: not an image
    h = heif(b);
  } else {
    return h;
  }
  if (h.width * h.height > max_pixels)
    throw Error(ErrorCode::ImageTooLarge, h.name + " of " + std::to_string(h.width) + "x" + std::to_string(h.height) +
                                              " pixels exceeds the limit of " + std::to_string(max_pixels) + " pixels");
  return h;
}

}  // namespace clipfind
