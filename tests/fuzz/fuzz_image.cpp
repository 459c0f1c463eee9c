// libFuzzer: image decode (JPEG/PNG/GIF/BMP; WebP/HEIC/AVIF headers) with orientation and date, then
// preprocessing.
#include <cstdint>
#include <span>

#include "common/error.hpp"
#include "image/decode.hpp"
#include "image/preprocess.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  clipfind::jpeg_exif_datetime(bytes);
  try {
    clipfind::DecodeOptions opt;
    opt.max_pixels = 4'000'000;  // keep iterations fast; the limit itself is under test too
    auto img = clipfind::decode_image(bytes, opt);
    static const auto cfg = clipfind::PreprocessConfig::from_json(R"({"size": 32, "crop_size": 24})");
    std::vector<float> out;
    clipfind::append_chw(clipfind::prepare_pixels(img, cfg), cfg, out);
  } catch (const clipfind::Error&) {
  }
  return 0;
}
