// libFuzzer: config.json parsing (family, dimension, logit scale and bias).
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/error.hpp"
#include "model/model_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto c = clipfind::ModelConfig::from_json(std::string(reinterpret_cast<const char*>(data), size), "fuzz");
    // What parses must be usable: a finite score rule and a sane dimension.
    if (!std::isfinite(c.logit_scale) || !std::isfinite(c.logit_bias) || (c.dim && (*c.dim <= 0 || *c.dim > 65536))) std::abort();
  } catch (const clipfind::Error&) {
  }
  return 0;
}
