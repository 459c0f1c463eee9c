// Embind surface of config.json parsing: the model family and its rules (padding, pad id, score),
// the stated dimension and the score parameters.
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
    v.set("padding", std::string(c.rules.padding == Padding::MaxLength ? "max_length" : "longest"));
    v.set("padId", c.rules.pad_id ? val(*c.rules.pad_id) : val::null());
    v.set("scoring", std::string(c.rules.scoring == Scoring::Sigmoid ? "sigmoid" : "softmax"));
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
