#include "image/decode.hpp"

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "image/bmp.hpp"
#include "image/formats.hpp"
#include "image/gif_lzw.hpp"

#define STB_IMAGE_IMPLEMENTATION
#define STBI_NO_STDIO
#define STBI_ONLY_JPEG
#define STBI_ONLY_PNG
#define STBI_ONLY_GIF
#define STBI_ONLY_BMP
#define STBI_MAX_DIMENSIONS (1 << 24)
#if defined(__wasm_simd128__) && defined(__SSE2__)
// stb_image's SSE2 IDCT and colour conversion, which Emscripten translates to SIMD128; stb only
// enables them on x86 targets, so claim one.
#define STBI__X86_TARGET
#endif
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#endif
#include <stb/stb_image.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

namespace clipfind {
namespace {

// Signature check; the length comes from the literal, so signatures may contain NUL bytes.
template <size_t N>
bool starts(std::span<const uint8_t> b, size_t off, const char (&sig)[N]) {
  constexpr size_t n = N - 1;
  return b.size() >= off + n && std::memcmp(b.data() + off, sig, n) == 0;
}

// Names formats we recognize but do not decode, so the error says what the file is.
const char* unsupported_format(std::span<const uint8_t> b) {
  if (starts(b, 4, "ftyp")) return "an ISO media file (MP4/MOV)";  // after read_foreign_header: not HEIF/AVIF
  if (starts(b, 0, "II*\x00") || starts(b, 0, "MM\x00*")) return "TIFF (or camera RAW)";
  if (starts(b, 0, "8BPS")) return "PSD";
  if (starts(b, 0, "\x00\x00\x01\x00")) return "ICO";
  if (starts(b, 0, "%PDF")) return "PDF";
  if (starts(b, 0, "\xff\x0a") || starts(b, 0, "\x00\x00\x00\x0cJXL ")) return "JPEG XL";
  return nullptr;
}

const char* known_format(std::span<const uint8_t> b) {
  if (starts(b, 0, "\xff\xd8\xff")) return "JPEG";
  if (starts(b, 0, "\x89PNG\r\n\x1a\n")) return "PNG";
  if (starts(b, 0, "GIF87a") || starts(b, 0, "GIF89a")) return "GIF";
  if (starts(b, 0, "BM")) return "BMP";
  return nullptr;
}

uint16_t rd16(const uint8_t* p, bool le) { return le ? uint16_t(p[0] | p[1] << 8) : uint16_t(p[0] << 8 | p[1]); }
uint32_t rd32(const uint8_t* p, bool le) {
  return le ? uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24
            : uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}

// The Orientation tag (0x0112) of IFD0, or 0 when the block has none (PIL then looks at XMP).
int orientation_from_tiff(const uint8_t* t, size_t n) {
  if (n < 8) return 0;
  bool le;
  if (t[0] == 'I' && t[1] == 'I') le = true;
  else if (t[0] == 'M' && t[1] == 'M') le = false;
  else return 0;
  if (rd16(t + 2, le) != 42) return 0;
  const uint32_t ifd = rd32(t + 4, le);
  if (ifd > n || n - ifd < 2) return 0;
  const uint16_t count = rd16(t + ifd, le);
  for (uint32_t i = 0; i < count; ++i) {
    const size_t e = size_t(ifd) + 2 + size_t(i) * 12;
    if (e + 12 > n) return 0;
    if (rd16(t + e, le) == 0x0112) {
      const uint16_t type = rd16(t + e + 2, le);
      return type == 3 ? rd16(t + e + 8, le) : type == 4 ? int(rd32(t + e + 8, le) & 0xffff) : 0;
    }
  }
  return 0;
}

int valid_orientation(int o) { return o >= 1 && o <= 8 ? o : 1; }

// PIL's re.search(r'tiff:Orientation(="|>)([0-9])', xmp); 0 when there is none.
int xmp_orientation(std::string_view xmp) {
  static constexpr std::string_view key = "tiff:Orientation";
  for (size_t i = xmp.find(key); i != std::string_view::npos; i = xmp.find(key, i + 1)) {
    const size_t v = i + key.size();
    if (v + 2 < xmp.size() && xmp[v] == '=' && xmp[v + 1] == '"' && xmp[v + 2] >= '0' && xmp[v + 2] <= '9') return xmp[v + 2] - '0';
    if (v + 1 < xmp.size() && xmp[v] == '>' && xmp[v + 1] >= '0' && xmp[v + 1] <= '9') return xmp[v + 1] - '0';
  }
  return 0;
}

// The TIFF block of a JPEG's EXIF APP1 segment, or an empty span.
std::span<const uint8_t> exif_tiff(std::span<const uint8_t> b) {
  if (!starts(b, 0, "\xff\xd8")) return {};
  size_t i = 2;
  while (i + 4 <= b.size()) {
    if (b[i] != 0xFF) return {};
    const uint8_t marker = b[i + 1];
    if (marker == 0xFF) { ++i; continue; }
    if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) { i += 2; continue; }
    if (marker == 0xDA || marker == 0xD9) return {};
    const size_t len = size_t(b[i + 2]) << 8 | b[i + 3];
    if (len < 2 || i + 2 + len > b.size()) return {};
    if (marker == 0xE1 && len >= 8 && std::memcmp(b.data() + i + 4, "Exif\0\0", 6) == 0) return b.subspan(i + 10, len - 8);
    i += 2 + len;
  }
  return {};
}

// Finds `tag` in the IFD at `ifd`; returns the entry offset or 0.
size_t find_tag(const uint8_t* t, size_t n, bool le, uint32_t ifd, uint16_t tag) {
  if (ifd > n || n - ifd < 2) return 0;
  const uint16_t count = rd16(t + ifd, le);
  for (uint32_t i = 0; i < count; ++i) {
    const size_t e = size_t(ifd) + 2 + size_t(i) * 12;
    if (e + 12 > n) return 0;
    if (rd16(t + e, le) == tag) return e;
  }
  return 0;
}

std::string ascii_value(const uint8_t* t, size_t n, bool le, size_t e) {
  if (!e || rd16(t + e + 2, le) != 2) return "";
  const uint32_t count = rd32(t + e + 4, le);
  if (count < 19 || count > 64) return "";
  const uint32_t off = rd32(t + e + 8, le);
  if (off > n || n - off < 19) return "";
  std::string s(reinterpret_cast<const char*>(t + off), 19);
  for (char c : s)
    if (c < 32 || c > 126) return "";
  return s;
}

// stb_image reads the first GIF frame differently from PIL in two ways, both fixed on a copy of the
// bytes: PIL's convert("RGB") shows a transparent index as its palette colour (stb: black), so the
// transparency flag of the first frame's Graphic Control Extension is cleared; and a GIF with no
// global and no local colour table is grayscale to PIL (index = level; stb refuses it), so a gray
// global table is inserted. Returns an empty vector when the bytes need no change.
std::vector<uint8_t> gif_as_pil_reads_it(std::span<const uint8_t> b) {
  if (b.size() < 13) return {};
  std::vector<uint8_t> out;
  const bool global = (b[10] & 0x80) != 0;
  size_t i = 13 + (global ? 3u * (2u << (b[10] & 7)) : 0u);
  size_t clear_at = 0;  // offset of a GCE packed byte to clear, 0 if none
  bool needs_table = false;
  while (i < b.size()) {
    if (b[i] == 0x21 && i + 2 < b.size()) {
      if (b[i + 1] == 0xF9 && i + 4 < b.size() && b[i + 2] >= 4 && (b[i + 3] & 1)) clear_at = i + 3;
      size_t j = i + 2;  // sub-blocks
      while (j < b.size() && b[j] != 0) j += size_t(b[j]) + 1;
      i = j + 1;
    } else if (b[i] == 0x2C) {
      if (i + 9 < b.size()) needs_table = !global && !(b[i + 9] & 0x80);
      break;
    } else {
      break;
    }
  }
  if (!clear_at && !needs_table) return {};
  out.assign(b.begin(), b.end());
  if (clear_at) out[clear_at] &= 0xFE;
  if (needs_table) {
    std::vector<uint8_t> gray(768);
    for (int k = 0; k < 256; ++k) gray[k * 3] = gray[k * 3 + 1] = gray[k * 3 + 2] = uint8_t(k);
    out[10] |= 0x87;
    out.insert(out.begin() + 13, gray.begin(), gray.end());
  }
  return out;
}

}  // namespace

std::string jpeg_exif_datetime(std::span<const uint8_t> b) {
  const auto tiff = exif_tiff(b);
  const uint8_t* t = tiff.data();
  const size_t n = tiff.size();
  if (n < 8) return "";
  const bool le = t[0] == 'I';
  if (!(le || t[0] == 'M') || rd16(t + 2, le) != 42) return "";
  const uint32_t ifd0 = rd32(t + 4, le);
  if (const size_t sub = find_tag(t, n, le, ifd0, 0x8769)) {
    const std::string s = ascii_value(t, n, le, find_tag(t, n, le, rd32(t + sub + 8, le), 0x9003));
    if (!s.empty()) return s;
  }
  return ascii_value(t, n, le, find_tag(t, n, le, ifd0, 0x0132));
}

int jpeg_exif_orientation(std::span<const uint8_t> b) {
  if (!starts(b, 0, "\xff\xd8")) return 1;
  size_t i = 2;
  while (i + 4 <= b.size()) {
    if (b[i] != 0xFF) return 1;
    const uint8_t marker = b[i + 1];
    if (marker == 0xFF) { ++i; continue; }  // fill byte
    if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) { i += 2; continue; }
    if (marker == 0xDA || marker == 0xD9) return 1;  // image data starts: no EXIF before it
    const size_t len = size_t(b[i + 2]) << 8 | b[i + 3];
    if (len < 2 || i + 2 + len > b.size()) return 1;
    if (marker == 0xE1 && len >= 8 && std::memcmp(b.data() + i + 4, "Exif\0\0", 6) == 0)
      return valid_orientation(orientation_from_tiff(b.data() + i + 10, len - 8));
    i += 2 + len;
  }
  return 1;
}

int tiff_orientation(std::span<const uint8_t> tiff) { return valid_orientation(orientation_from_tiff(tiff.data(), tiff.size())); }

int png_orientation(std::span<const uint8_t> b) {
  if (!starts(b, 0, "\x89PNG\r\n\x1a\n")) return 1;
  int exif = 0, raw_profile = 0, xmp = 0;
  // Every chunk, before and after IDAT: PIL reads the late ones when it loads the pixels.
  for (size_t i = 8; i + 12 <= b.size();) {
    const size_t len = rd32(b.data() + i, false);
    if (len > b.size() - i - 12) break;
    const uint8_t* type = b.data() + i + 4;
    const uint8_t* d = b.data() + i + 8;
    if (std::memcmp(type, "eXIf", 4) == 0) {
      // PIL drops a leading "Exif\0\0" as some writers add it.
      const size_t skip = len >= 6 && std::memcmp(d, "Exif\0\0", 6) == 0 ? 6 : 0;
      exif = orientation_from_tiff(d + skip, len - skip);
    } else if (std::memcmp(type, "tEXt", 4) == 0 || std::memcmp(type, "zTXt", 4) == 0) {
      // ImageMagick's "Raw profile type exif": "\nexif\n  <length>\n<hex lines>"; PIL joins the lines
      // after the third newline and reads the hex as EXIF (with its "Exif\0\0" prefix).
      static constexpr char rp[] = "Raw profile type exif";
      if (len > sizeof rp && std::memcmp(d, rp, sizeof rp) == 0) {
        std::string text;
        if (type[0] == 't') {
          text.assign(reinterpret_cast<const char*>(d) + sizeof rp, len - sizeof rp);
        } else if (len > sizeof rp + 1) {
          int n = 0;
          if (char* z = stbi_zlib_decode_malloc(reinterpret_cast<const char*>(d) + sizeof rp + 1, int(len - sizeof rp - 1), &n)) {
            text.assign(z, size_t(n));
            STBI_FREE(z);
          }
        }
        size_t at = 0;
        for (int k = 0; k < 3 && at != std::string::npos; ++k) at = text.find('\n', at == 0 && k == 0 ? 0 : at + 1);
        std::vector<uint8_t> blob;
        int hi = -1;
        for (size_t k = at == std::string::npos ? text.size() : at + 1; k < text.size(); ++k) {
          const char c = text[k];
          const int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
          if (v < 0) continue;
          if (hi < 0) hi = v;
          else blob.push_back(uint8_t(hi << 4 | v)), hi = -1;
        }
        const size_t skip = blob.size() >= 6 && std::memcmp(blob.data(), "Exif\0\0", 6) == 0 ? 6 : 0;
        if (blob.size() > skip) raw_profile = orientation_from_tiff(blob.data() + skip, blob.size() - skip);
      }
      if (!xmp && type[0] == 't') {
        static constexpr char kw[] = "XML:com.adobe.xmp";
        if (len > sizeof kw && std::memcmp(d, kw, sizeof kw) == 0)
          xmp = xmp_orientation(std::string_view(reinterpret_cast<const char*>(d) + sizeof kw, len - sizeof kw));
      }
    } else if (!xmp && std::memcmp(type, "iTXt", 4) == 0) {
      static constexpr char kw[] = "XML:com.adobe.xmp";
      if (len > sizeof kw && std::memcmp(d, kw, sizeof kw) == 0) {
        std::string_view rest(reinterpret_cast<const char*>(d) + sizeof kw, len - sizeof kw);
        if (type[0] == 'i') {
          // compression flag, method, language\0, translated keyword\0, then text
          if (rest.size() < 2) { i += 12 + len; continue; }
          const bool compressed = rest[0] != 0;
          rest.remove_prefix(2);
          for (int k = 0; k < 2; ++k) {
            const size_t z = rest.find('\0');
            rest = z == std::string_view::npos ? std::string_view() : rest.substr(z + 1);
          }
          if (compressed) {
            int out_len = 0;
            char* text = stbi_zlib_decode_malloc(rest.data(), int(rest.size()), &out_len);
            if (text) {
              xmp = xmp_orientation(std::string_view(text, size_t(out_len)));
              STBI_FREE(text);
            }
            rest = {};
          }
        }
        if (!rest.empty()) xmp = xmp_orientation(rest);
      }
    }
    i += 12 + len;
  }
  return valid_orientation(exif ? exif : raw_profile ? raw_profile : xmp);
}

RgbImage apply_orientation(const RgbImage& in, int o) {
  if (o <= 1 || o > 8) return in;
  const bool swap = o >= 5;  // 5..8 transpose the axes
  RgbImage out;
  out.width = swap ? in.height : in.width;
  out.height = swap ? in.width : in.height;
  out.data.resize(in.data.size());
  const int W = in.width, H = in.height;
  for (int y = 0; y < out.height; ++y) {
    for (int x = 0; x < out.width; ++x) {
      int sx, sy;  // source pixel for output (x, y)
      switch (o) {
        case 2: sx = W - 1 - x; sy = y; break;              // mirror horizontal
        case 3: sx = W - 1 - x; sy = H - 1 - y; break;      // rotate 180
        case 4: sx = x; sy = H - 1 - y; break;              // mirror vertical
        case 5: sx = y; sy = x; break;                      // transpose
        case 6: sx = y; sy = H - 1 - x; break;              // rotate 90 clockwise
        case 7: sx = W - 1 - y; sy = H - 1 - x; break;      // transverse
        default: sx = W - 1 - y; sy = x; break;             // 8: rotate 90 counter-clockwise
      }
      std::memcpy(out.px(x, y), in.px(sx, sy), 3);
    }
  }
  return out;
}

RgbImage decode_image(std::span<const uint8_t> bytes, const DecodeOptions& options) {
  if (bytes.empty()) throw Error(ErrorCode::InvalidImage, "empty file (0 bytes)");
  // WebP/HEIC/AVIF: a broken header is INVALID_IMAGE here too; intact ones belong to the JS decoders.
  if (const ForeignHeader h = read_foreign_header(bytes, options.max_pixels); h.format != ForeignFormat::None)
    throw Error(ErrorCode::UnsupportedFormat, h.name + " is decoded by the JavaScript layer (web/image_codecs.js), not by decode_image");
  if (const char* fmt = unsupported_format(bytes))
    throw Error(ErrorCode::UnsupportedFormat, std::string(fmt) + " is not supported (JPEG, PNG, GIF and BMP are)");
  const char* fmt = known_format(bytes);
  if (!fmt) throw Error(ErrorCode::InvalidImage, "not an image (unrecognized signature)");
  if (bytes.size() > size_t(INT32_MAX)) throw Error(ErrorCode::ImageTooLarge, "file larger than 2 GiB");
  // Header dimensions read directly, so a decompression bomb is refused even where stb_image's
  // own header parser gives up with a vaguer message.
  uint64_t hw = 0, hh = 0;
  const std::string f(fmt);
  if (f == "PNG" && bytes.size() >= 24) { hw = rd32(bytes.data() + 16, false); hh = rd32(bytes.data() + 20, false); }
  if (f == "GIF" && bytes.size() >= 10) { hw = rd16(bytes.data() + 6, true); hh = rd16(bytes.data() + 8, true); }
  if (f == "BMP") {
    // BMPs are read as PIL's BmpImagePlugin reads them (OS/2 and RLE files, any pixel offset,
    // out-of-range palette indices, 16-bit scaling); stb_image only for what that reader declines.
    if (auto img = decode_bmp_as_pil(bytes, options.max_pixels)) return *img;
  }
  if (f == "BMP" && bytes.size() >= 26) {
    hw = rd32(bytes.data() + 18, true);
    const int32_t sh = int32_t(rd32(bytes.data() + 22, true));
    hh = uint64_t(sh < 0 ? -int64_t(sh) : sh);
  }
  if (hw * hh > options.max_pixels)
    throw Error(ErrorCode::ImageTooLarge, f + " of " + std::to_string(hw) + "x" + std::to_string(hh) + " pixels exceeds the limit of " +
                                              std::to_string(options.max_pixels) + " pixels");
  std::vector<uint8_t> patched;
  if (f == "GIF") {
    patched = gif_as_pil_reads_it(bytes);
    if (!patched.empty()) bytes = patched;
  }
  int w = 0, h = 0, comp = 0;
  const bool stb_reads = stbi_info_from_memory(bytes.data(), int(bytes.size()), &w, &h, &comp) && w > 0 && h > 0;
  if (!stb_reads && f == "BMP") {
    // PIL also reads BMPs whose header stb_image rejects (pixel data at any declared offset, ...).
    if (auto img = decode_bmp_as_pil(bytes, options.max_pixels)) return *img;
  }
  if (!stb_reads && !stbi_info_from_memory(bytes.data(), int(bytes.size()), &w, &h, &comp)) {
    const char* why = stbi_failure_reason();
    throw Error(ErrorCode::InvalidImage, std::string(fmt) + " header is corrupt or truncated (" + (why ? why : "unknown") + ")");
  }
  if (w <= 0 || h <= 0) throw Error(ErrorCode::InvalidImage, std::string(fmt) + " has no pixels");
  if (uint64_t(w) * uint64_t(h) > options.max_pixels)
    throw Error(ErrorCode::ImageTooLarge, std::string(fmt) + " of " + std::to_string(w) + "x" + std::to_string(h) + " pixels exceeds the limit of " +
                                              std::to_string(options.max_pixels) + " pixels");
  stbi_uc* px = stbi_load_from_memory(bytes.data(), int(bytes.size()), &w, &h, &comp, 3);
  std::vector<uint8_t> reencoded;
  if (!px && f == "GIF" && std::string_view(stbi_failure_reason() ? stbi_failure_reason() : "") == "too many codes") {
    // A full code table without a clear code: PIL keeps decoding (image/gif_lzw.hpp).
    reencoded = gif_first_frame_reencoded(bytes);
    if (!reencoded.empty()) px = stbi_load_from_memory(reencoded.data(), int(reencoded.size()), &w, &h, &comp, 3);
  }
  if (!px && f == "BMP") {
    if (auto img = decode_bmp_as_pil(bytes, options.max_pixels)) return *img;
  }
  if (!px) {
    const char* why = stbi_failure_reason();
    std::string reason = why ? why : "unknown";
    if (reason == "outofmem") throw Error(ErrorCode::ImageTooLarge, std::string(fmt) + ": out of memory while decoding");
    if (std::string(fmt) == "JPEG" && (reason == "bad component count" || reason == "bad H" || reason == "bad V"))
      throw Error(ErrorCode::UnsupportedFormat, "JPEG variant not supported (" + reason + "; e.g. CMYK or 12-bit)");
    throw Error(ErrorCode::InvalidImage, std::string(fmt) + " data is corrupt or truncated (" + reason + ")");
  }
  RgbImage img;
  img.width = w;
  img.height = h;
  img.data.assign(px, px + size_t(w) * size_t(h) * 3);
  stbi_image_free(px);
  if (options.apply_exif_orientation) {
    const int o = f == "JPEG" ? jpeg_exif_orientation(bytes) : f == "PNG" ? png_orientation(bytes) : 1;
    if (o != 1) img = apply_orientation(img, o);
  }
  return img;
}

RgbImage rgb_from_rgba(std::span<const uint8_t> rgba, int width, int height, uint64_t max_pixels) {
  if (width <= 0 || height <= 0) throw Error(ErrorCode::InvalidArgument, "fromRGBA: width and height must be positive");
  if (uint64_t(width) * uint64_t(height) > max_pixels)
    throw Error(ErrorCode::ImageTooLarge, "fromRGBA: " + std::to_string(width) + "x" + std::to_string(height) + " exceeds the pixel limit");
  const size_t n = size_t(width) * size_t(height);
  if (rgba.size() != n * 4)
    throw Error(ErrorCode::DimensionMismatch, "fromRGBA: expected " + std::to_string(n * 4) + " bytes for " + std::to_string(width) + "x" +
                                                  std::to_string(height) + " RGBA, got " + std::to_string(rgba.size()));
  RgbImage img;
  img.width = width;
  img.height = height;
  img.data.resize(n * 3);
  for (size_t i = 0; i < n; ++i) std::memcpy(&img.data[i * 3], &rgba[i * 4], 3);
  return img;
}

}  // namespace clipfind
