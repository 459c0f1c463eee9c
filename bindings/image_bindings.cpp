// Embind surface of the image pipeline: decode (+EXIF), RGBA hand-over, preprocessing to CHW.
// Outputs are written to buffers owned by the handle; JS copies them out.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <memory>

#include "errors.hpp"
#include "image/decode.hpp"
#include "image/formats.hpp"
#include "image/preprocess.hpp"

using emscripten::val;

namespace clipfind::bindings {
namespace {

std::span<const uint8_t> bytes_at(uintptr_t ptr, size_t len) { return {reinterpret_cast<const uint8_t*>(ptr), len}; }

// JS passes 0 (or nothing) for "the core's default".
uint64_t pixel_limit(double max_pixels) { return max_pixels > 0 ? uint64_t(max_pixels) : kDefaultMaxPixels; }

class PreprocessorHandle {
 public:
  val init(std::string config_json) {
    return guarded([&] {
      cfg_ = std::make_unique<PreprocessConfig>(PreprocessConfig::from_json(config_json));
      return val::undefined();
    });
  }
  val fromEncoded(uintptr_t ptr, size_t len, double max_pixels) {
    return guarded([&] {
      return run(decode_image(bytes_at(ptr, len), {.max_pixels = pixel_limit(max_pixels)}));
    });
  }
  val fromRGBA(uintptr_t ptr, size_t len, int width, int height, double max_pixels) {
    return guarded([&] { return run(rgb_from_rgba(bytes_at(ptr, len), width, height, pixel_limit(max_pixels))); });
  }
  // RGBA from a WebP/HEIC/AVIF decoder, with the orientation its header still asks for.
  val fromDecoded(uintptr_t ptr, size_t len, int width, int height, int orientation, double max_pixels) {
    return guarded([&] {
      return run(apply_orientation(rgb_from_rgba(bytes_at(ptr, len), width, height, pixel_limit(max_pixels)), orientation));
    });
  }
 private:
  const PreprocessConfig& get() {
    if (!cfg_) throw Error(ErrorCode::Closed, "preprocessor is not initialized");
    return *cfg_;
  }
  val run(const RgbImage& img) {
    const RgbImage prepared = prepare_pixels(img, get());
    out_.clear();
    append_chw(prepared, get(), out_);
    val v = val::object();
    v.set("ptr", reinterpret_cast<uintptr_t>(out_.data()));
    v.set("length", out_.size());
    v.set("width", prepared.width);
    v.set("height", prepared.height);
    return v;
  }
  std::unique_ptr<PreprocessConfig> cfg_;
  std::vector<float> out_;
};

val rgbResult(const RgbImage& img);

val decodeImage(uintptr_t ptr, size_t len, double max_pixels) {
  return guarded([&] {
    return rgbResult(decode_image(bytes_at(ptr, len), {.max_pixels = pixel_limit(max_pixels)}));
  });
}

val rgbResult(const RgbImage& img) {
  val v = val::object();
  v.set("width", img.width);
  v.set("height", img.height);
  v.set("data", val(emscripten::typed_memory_view(img.data.size(), img.data.data())).call<val>("slice"));
  return v;
}

// decodeImage for RGBA from a WebP/HEIC/AVIF decoder: alpha dropped, orientation applied.
val rgbFromDecoded(uintptr_t ptr, size_t len, int width, int height, int orientation, double max_pixels) {
  return guarded([&] {
    return rgbResult(apply_orientation(rgb_from_rgba(bytes_at(ptr, len), width, height, pixel_limit(max_pixels)), orientation));
  });
}

// ByteRanges as [offset, length, offset, length, ...].
val ranges(const std::vector<ByteRange>& rs) {
  val a = val::array();
  for (const ByteRange& r : rs) {
    a.call<void>("push", double(r.offset));
    a.call<void>("push", double(r.length));
  }
  return a;
}

val codedPlan(const CodedPlan& p) {
  val v = val::object();
  v.set("codec", std::string(p.codec == Codec::Av1 ? "av1" : "hevc"));
  v.set("columns", p.columns);
  v.set("rows", p.rows);
  v.set("width", p.width);
  v.set("height", p.height);
  v.set("tileWidth", p.tile_width);
  v.set("tileHeight", p.tile_height);
  val tiles = val::array();
  for (const CodedTile& t : p.tiles) {
    val o = val::object();
    o.set("config", ranges(t.config));
    o.set("data", ranges(t.data));
    o.set("nalLengthSize", t.nal_length_size);
    o.set("primaries", t.primaries);
    o.set("matrix", t.matrix);
    o.set("fullRange", t.full_range);
    tiles.call<void>("push", o);
  }
  v.set("tiles", tiles);
  return v;
}

// Which JS decoder a file needs ('' for the formats decode_image reads), its size and orientation.
// Broken headers and bombs throw here, before any decoder is loaded.
val foreignHeader(uintptr_t ptr, size_t len, double max_pixels) {
  return guarded([&] {
    const ForeignHeader h = read_foreign_header(bytes_at(ptr, len), pixel_limit(max_pixels));
    static const char* const kinds[] = {"", "webp", "heif", "avif"};
    val v = val::object();
    v.set("kind", std::string(kinds[int(h.format)]));
    v.set("name", h.name);
    v.set("width", double(h.width));
    v.set("height", double(h.height));
    v.set("orientation", h.orientation);
    v.set("animated", h.animated);
    if (h.plan.direct) v.set("plan", codedPlan(h.plan));
    return v;
  });
}

// Cheap metadata without decoding pixels: size from the header, EXIF orientation and date taken.
val imageInfo(uintptr_t ptr, size_t len) {
  return guarded([&] {
    auto bytes = bytes_at(ptr, len);
    val v = val::object();
    v.set("orientation", jpeg_exif_orientation(bytes));
    v.set("dateTaken", jpeg_exif_datetime(bytes));
    return v;
  });
}

}  // namespace
}  // namespace clipfind::bindings

EMSCRIPTEN_BINDINGS(clipfind_image) {
  using clipfind::bindings::PreprocessorHandle;
  emscripten::class_<PreprocessorHandle>("PreprocessorHandle")
      .constructor<>()
      .function("init", &PreprocessorHandle::init)
      .function("fromEncoded", &PreprocessorHandle::fromEncoded)
      .function("fromRGBA", &PreprocessorHandle::fromRGBA)
      .function("fromDecoded", &PreprocessorHandle::fromDecoded);
  emscripten::function("rgbFromDecoded", &clipfind::bindings::rgbFromDecoded);
  emscripten::function("foreignHeader", &clipfind::bindings::foreignHeader);
  emscripten::function("decodeImage", &clipfind::bindings::decodeImage);
  emscripten::function("imageInfo", &clipfind::bindings::imageInfo);
  emscripten::constant("defaultMaxPixels", double(clipfind::kDefaultMaxPixels));
}
