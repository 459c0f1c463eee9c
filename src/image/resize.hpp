// Resampling exactly as Pillow's Resample.c does it for 8-bit images: separable antialiased
// convolution (support scaled by the downscale factor), coefficients normalized to 22-bit fixed
// point, horizontal pass first, rounding and clamping to 8 bits between the passes. NEAREST follows
// Pillow's affine nearest-neighbour path.
#pragma once
#include "image/image.hpp"

namespace clipfind {

// Pillow's enum values (PIL.Image.Resampling), as preprocessor_config.json stores them.
enum class Filter { Nearest = 0, Lanczos = 1, Bilinear = 2, Bicubic = 3, Box = 4, Hamming = 5 };

// The region of the resized out_w x out_h image to compute; values equal those of a full resize.
struct Window {
  int x = 0, y = 0, w = -1, h = -1;  // w/h < 0: the whole output
};

RgbImage resize(const RgbImage& in, int out_w, int out_h, Filter filter, Window window = {});

}  // namespace clipfind
