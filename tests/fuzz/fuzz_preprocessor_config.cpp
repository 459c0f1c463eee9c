// libFuzzer: preprocessor_config.json parsing, then preprocessing a small image with it.
#include <cstdint>
#include <string>

#include "common/error.hpp"
#include "image/preprocess.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    auto cfg = clipfind::PreprocessConfig::from_json(std::string(reinterpret_cast<const char*>(data), size));
    if (cfg.shortest_edge > 512 || cfg.resize_w > 512 || cfg.resize_h > 512 || cfg.crop_w > 512 || cfg.crop_h > 512) return 0;
    clipfind::RgbImage img;
    img.width = 17;
    img.height = 9;
    img.data.assign(17 * 9 * 3, 128);
    std::vector<float> out;
    clipfind::append_chw(clipfind::prepare_pixels(img, cfg), cfg, out);
  } catch (const clipfind::Error&) {
  }
  return 0;
}
