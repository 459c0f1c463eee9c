#include "image/preprocess.hpp"

#include <cmath>
#include <cstring>

#include "common/error.hpp"
#include "common/json_util.hpp"

namespace clipfind {

using json = nlohmann::json;

namespace {

const char* kFile = "preprocessor_config.json";

int positive_int(const json& v, const std::string& field) {
  return int(jsonutil::int_in_range(v, std::string(kFile) + ": " + field, 1, 16384));
}

std::array<float, 3> triple(const json& v, const std::string& field) {
  std::array<float, 3> out{};
  if (v.is_number()) {
    out.fill(v.get<float>());
    return out;
  }
  if (!v.is_array() || v.size() != 3) jsonutil::fail(std::string(kFile) + ": " + field, "expected 3 numbers");
  for (size_t i = 0; i < 3; ++i) {
    if (!v[i].is_number()) jsonutil::fail(std::string(kFile) + ": " + field, "expected 3 numbers");
    out[i] = v[i].get<float>();
  }
  return out;
}

}  // namespace

PreprocessConfig PreprocessConfig::from_json(const std::string& text) {
  using namespace jsonutil;
  PreprocessConfig c;
  try {
    const json j = parse(text, kFile);
    if (!j.is_object()) fail(kFile, "expected a JSON object");
    const std::string type = opt_str(j, "image_processor_type", opt_str(j, "feature_extractor_type", "CLIPImageProcessor"));
    const bool squash = type.find("Siglip") != std::string::npos;  // resize straight to height x width
    c.do_resize = opt_bool(j, "do_resize", true);
    c.do_center_crop = opt_bool(j, "do_center_crop", !squash);
    c.do_rescale = opt_bool(j, "do_rescale", true);
    c.do_normalize = opt_bool(j, "do_normalize", true);
    c.do_convert_rgb = opt_bool(j, "do_convert_rgb", true);
    if (j.contains("size") && !j["size"].is_null()) {
      const json& s = j["size"];
      if (s.is_object()) {
        if (s.contains("shortest_edge")) {
          c.shortest_edge = positive_int(s["shortest_edge"], "size.shortest_edge");
        } else if (s.contains("height") && s.contains("width")) {
          c.shortest_edge = 0;
          c.resize_h = positive_int(s["height"], "size.height");
          c.resize_w = positive_int(s["width"], "size.width");
        } else {
          fail(std::string(kFile) + ": size", "expected shortest_edge or height and width");
        }
      } else {
        const int n = positive_int(s, "size");
        if (squash) {
          c.shortest_edge = 0;
          c.resize_w = c.resize_h = n;
        } else {
          c.shortest_edge = n;
        }
      }
    } else if (squash) {
      c.shortest_edge = 0;
      c.resize_w = c.resize_h = 224;
    }
    if (j.contains("crop_size") && !j["crop_size"].is_null()) {
      const json& s = j["crop_size"];
      if (s.is_object()) {
        c.crop_h = positive_int(field(s, "height", std::string(kFile) + ": crop_size"), "crop_size.height");
        c.crop_w = positive_int(field(s, "width", std::string(kFile) + ": crop_size"), "crop_size.width");
      } else {
        c.crop_w = c.crop_h = positive_int(s, "crop_size");
      }
    } else if (c.shortest_edge > 0) {
      c.crop_w = c.crop_h = c.shortest_edge;
    }
    if (j.contains("resample") && !j["resample"].is_null()) {
      const json& r = j["resample"];
      if (!r.is_number_integer() || r.get<int>() < 0 || r.get<int>() > 5) fail(std::string(kFile) + ": resample", "expected a PIL filter number 0..5");
      c.resample = static_cast<Filter>(r.get<int>());
    }
    if (j.contains("rescale_factor") && !j["rescale_factor"].is_null()) {
      if (!j["rescale_factor"].is_number()) fail(std::string(kFile) + ": rescale_factor", "expected a number");
      c.rescale_factor = j["rescale_factor"].get<double>();
    }
    if (j.contains("image_mean") && !j["image_mean"].is_null()) c.mean = triple(j["image_mean"], "image_mean");
    if (j.contains("image_std") && !j["image_std"].is_null()) c.std = triple(j["image_std"], "image_std");
    for (float s : c.std)
      if (!(s != 0.0f) || !std::isfinite(s)) fail(std::string(kFile) + ": image_std", "must be finite and non-zero");
  } catch (const json::exception& e) {
    throw Error(ErrorCode::InvalidModel, std::string(kFile) + ": " + e.what());
  }
  return c;
}

namespace {

// HF get_resize_output_image_size(default_to_square=False): the short side becomes `size`, the
// long side int(size * long / short).
void shortest_edge_size(int w, int h, int size, int& ow, int& oh) {
  const int short_side = std::min(w, h), long_side = std::max(w, h);
  const int new_long = int(double(size) * long_side / short_side);
  if (w <= h) {
    ow = size;
    oh = new_long;
  } else {
    ow = new_long;
    oh = size;
  }
}

}  // namespace

RgbImage prepare_pixels(const RgbImage& img, const PreprocessConfig& cfg) {
  int rw = img.width, rh = img.height;
  if (cfg.do_resize) {
    if (cfg.shortest_edge > 0) shortest_edge_size(img.width, img.height, cfg.shortest_edge, rw, rh);
    else {
      rw = cfg.resize_w;
      rh = cfg.resize_h;
    }
  }
  if (!cfg.do_center_crop) {
    if (uint64_t(rw) * uint64_t(rh) > 400'000'000ull) throw Error(ErrorCode::ImageTooLarge, "resized image would exceed 400 MP");
    return cfg.do_resize ? resize(img, rw, rh, cfg.resample) : img;
  }
  // HF center_crop: top/left = (size - crop) // 2; a crop larger than the image pads with zeros.
  const int ch = cfg.crop_h, cw = cfg.crop_w;
  const int top = int(std::floor((rh - ch) / 2.0)), left = int(std::floor((rw - cw) / 2.0));
  if (top >= 0 && left >= 0 && top + ch <= rh && left + cw <= rw) {
    // Only the crop window of the resize is computed: identical values, a fraction of the work.
    if (cfg.do_resize) return resize(img, rw, rh, cfg.resample, Window{left, top, cw, ch});
    RgbImage out;
    out.width = cw;
    out.height = ch;
    out.data.resize(size_t(cw) * size_t(ch) * 3);
    for (int y = 0; y < ch; ++y) std::memcpy(out.px(0, y), img.px(left, top + y), size_t(cw) * 3);
    return out;
  }
  if (uint64_t(rw) * uint64_t(rh) > 400'000'000ull) throw Error(ErrorCode::ImageTooLarge, "resized image would exceed 400 MP");
  const RgbImage r = cfg.do_resize ? resize(img, rw, rh, cfg.resample) : img;
  const int nh = std::max(ch, rh), nw = std::max(cw, rw);
  const int top_pad = (nh - rh + 1) / 2, left_pad = (nw - rw + 1) / 2;  // ceil
  const int t = top + top_pad, l = left + left_pad;
  const int y0 = std::max(0, t), y1 = std::min(nh, t + ch), x0 = std::max(0, l), x1 = std::min(nw, l + cw);
  RgbImage out;
  out.width = x1 - x0;
  out.height = y1 - y0;
  out.data.assign(size_t(out.width) * size_t(out.height) * 3, 0);
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) {
      const int sy = y - top_pad, sx = x - left_pad;
      if (sy >= 0 && sy < rh && sx >= 0 && sx < rw) std::memcpy(out.px(x - x0, y - y0), r.px(sx, sy), 3);
    }
  return out;
}

void append_chw(const RgbImage& p, const PreprocessConfig& cfg, std::vector<float>& out) {
  const size_t plane = size_t(p.width) * size_t(p.height);
  const size_t base = out.size();
  out.resize(base + plane * 3);
  for (int c = 0; c < 3; ++c) {
    // As HF: rescale in float64 then cast to float32; normalize in float32.
    float lut[256];
    for (int v = 0; v < 256; ++v) {
      float x = cfg.do_rescale ? float(double(v) * cfg.rescale_factor) : float(v);
      if (cfg.do_normalize) x = (x - cfg.mean[size_t(c)]) / cfg.std[size_t(c)];
      lut[v] = x;
    }
    float* dst = out.data() + base + plane * size_t(c);
    for (size_t i = 0; i < plane; ++i) dst[i] = lut[p.data[i * 3 + size_t(c)]];
  }
}

}  // namespace clipfind
