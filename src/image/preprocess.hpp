// Model image preprocessing driven by preprocessor_config.json, as the Hugging Face processors do it
// on PIL images: CLIPImageProcessor (shortest-edge resize, center crop), SiglipImageProcessor (resize
// to height x width), and their MobileCLIP/OpenCLIP parameterizations; then rescale and normalize
// into float32 CHW.
#pragma once
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "image/image.hpp"
#include "image/resize.hpp"

namespace clipfind {

struct PreprocessConfig {
  bool do_resize = true, do_center_crop = true, do_rescale = true, do_normalize = true, do_convert_rgb = true;
  int shortest_edge = 224;          // CLIP-style resize when > 0
  int resize_w = 0, resize_h = 0;   // SigLIP-style resize when > 0 (shortest_edge is then 0)
  int crop_w = 224, crop_h = 224;
  Filter resample = Filter::Bicubic;
  double rescale_factor = 1.0 / 255.0;
  std::array<float, 3> mean{0.48145466f, 0.4578275f, 0.40821073f};
  std::array<float, 3> std{0.26862954f, 0.26130258f, 0.27577711f};

  // Both key styles: `size: 224` / `crop_size: 224` (feature extractors) and `size: {shortest_edge}`
  // / `{height, width}` (image processors). Throws Error(InvalidModel) naming the field.
  static PreprocessConfig from_json(const std::string& text);
};

// The 8-bit RGB image the model sees before rescale/normalize (resized, cropped or padded).
RgbImage prepare_pixels(const RgbImage& img, const PreprocessConfig& cfg);
// Float32 CHW values of prepared pixels, rescaled and normalized; appended to out.
void append_chw(const RgbImage& prepared, const PreprocessConfig& cfg, std::vector<float>& out);

}  // namespace clipfind
