// Embind surface of config.json parsing: the model family, stated dimension and score parameters.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <string>

#include "errors.hpp"
#include "model/model_config.hpp"

using emscripten::val;

namespace clipfind::bindings {
namespace {

val parseModelConfig(std::string text, std::string fallback_name) {
  return guarded([&] {
    const ModelConfig c = ModelConfig::from_json(text, fallback_name);
    val v = val::object();
    v.set("family", std::string(model_family_name(c.family)));
    v.set("modelType", c.model_type);
    v.set("name", c.name);
    v.set("dim", c.dim ? val(*c.dim) : val::null());
    v.set("logitScale", c.logit_scale);
    v.set("logitBias", c.logit_bias);
    v.set("calibrated", c.calibrated);
    return v;
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(clipfind_model) { emscripten::function("parseModelConfig", &parseModelConfig); }

}  // namespace clipfind::bindings
