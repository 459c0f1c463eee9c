#include "model/model_config.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "common/error.hpp"
#include "common/json_util.hpp"

namespace clipfind {

using json = nlohmann::json;

namespace {

const std::string kFile = "config.json";

[[noreturn]] void fail(const std::string& field, const std::string& why) {
  jsonutil::fail(field.empty() ? kFile : kFile + ": " + field, why);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

// An optional member: absent and null both mean "not stated".
const json* member(const json& j, const char* key) {
  auto it = j.find(key);
  return it == j.end() || it->is_null() ? nullptr : &*it;
}

const json* sub_config(const json& j, const char* key) {
  const json* v = member(j, key);
  if (v && !v->is_object()) fail(key, "expected an object");
  return v;
}

std::optional<int> dimension(const json& j, const char* key, const std::string& field) {
  const json* v = member(j, key);
  if (!v) return std::nullopt;
  return int(jsonutil::int_in_range(*v, kFile + ": " + field, 1, 65536));
}

std::optional<double> finite(const json& j, const char* key, double limit) {
  const json* v = member(j, key);
  if (!v) return std::nullopt;
  if (!v->is_number()) fail(key, "expected a number");
  const double x = v->get<double>();
  if (!std::isfinite(x) || std::fabs(x) > limit) fail(key, "out of range (|x| <= " + std::to_string(int(limit)) + ")");
  return x;
}

ModelFamily family_of(const std::string& type, const std::string& architectures, const std::string& name) {
  if (type == "siglip" || type == "siglip2") return ModelFamily::Siglip;
  if (type == "mobileclip" || architectures.find("mobileclip") != std::string::npos ||
      (type == "clip" && lower(name).find("mobileclip") != std::string::npos))
    return ModelFamily::MobileClip;
  if (type == "open_clip" || type == "openclip") return ModelFamily::OpenClip;
  if (type == "clip") return ModelFamily::Clip;
  if (type == "clap") return ModelFamily::Clap;
  fail("", "unknown model_type '" + type + "' (supported: clip, siglip, siglip2, mobileclip, open_clip, clap)");
}

}  // namespace

const char* model_family_name(ModelFamily family) {
  switch (family) {
    case ModelFamily::Clip: return "clip";
    case ModelFamily::Siglip: return "siglip";
    case ModelFamily::MobileClip: return "mobileclip";
    case ModelFamily::OpenClip: return "open_clip";
    case ModelFamily::Clap: return "clap";
  }
  return "clip";
}

FamilyRules family_rules(ModelFamily family) {
  switch (family) {
    case ModelFamily::Clip: return {Padding::Longest, std::nullopt, Scoring::Softmax};
    case ModelFamily::Siglip: return {Padding::MaxLength, std::nullopt, Scoring::Sigmoid};
    case ModelFamily::MobileClip: return {Padding::MaxLength, 0, Scoring::Softmax};
    case ModelFamily::OpenClip: return {Padding::MaxLength, 0, Scoring::Softmax};
    // RoBERTa pads with tokenizer.json's <pad> and masks it; a batch pads to its longest text
    case ModelFamily::Clap: return {Padding::Longest, std::nullopt, Scoring::Softmax};
  }
  return {Padding::Longest, std::nullopt, Scoring::Softmax};
}

ModelConfig ModelConfig::from_json(const std::string& text, const std::string& fallback_name) {
  const json j = jsonutil::parse(text, kFile);
  if (!j.is_object()) fail("", "expected a JSON object");
  ModelConfig c;

  const json* type = member(j, "model_type");
  if (!type) fail("model_type", "missing (expected clip, siglip, siglip2, mobileclip, open_clip or clap)");
  if (!type->is_string()) fail("model_type", "expected a string");
  c.model_type = type->get<std::string>();

  std::string architectures;
  if (const json* a = member(j, "architectures")) {
    if (!a->is_array()) fail("architectures", "expected an array of strings");
    for (const json& s : *a) {
      if (!s.is_string()) fail("architectures", "expected an array of strings");
      architectures += lower(s.get<std::string>()) + " ";
    }
  }

  c.name = fallback_name;
  if (const json* n = member(j, "_name_or_path")) {
    if (!n->is_string()) fail("_name_or_path", "expected a string");
    if (!n->get<std::string>().empty()) c.name = n->get<std::string>();
  }
  c.family = family_of(lower(c.model_type), architectures, c.name);
  c.rules = family_rules(c.family);

  const json* text_config = sub_config(j, "text_config");
  sub_config(j, "vision_config");
  c.dim = dimension(j, "projection_dim", "projection_dim");
  if (!c.dim && text_config) c.dim = dimension(*text_config, "projection_size", "text_config.projection_size");

  // Scores are exp(scale) * cosine + bias; an exp() that overflows would make every score Inf.
  const auto scale = finite(j, "logit_scale", 50);
  const auto init = finite(j, "logit_scale_init_value", 50);
  // ClapConfig's logit_scale_init_value is the scale itself (1/0.07), not its log as CLIPConfig's.
  const double init_log = init ? (c.family == ModelFamily::Clap ? std::log(std::max(*init, 1e-6)) : *init) : std::log(1.0 / 0.07);
  c.logit_scale = std::exp(scale ? *scale : init_log);
  const auto bias = finite(j, "logit_bias", 1e6);
  c.logit_bias = bias ? *bias : c.family == ModelFamily::Siglip ? -10.0 : 0.0;
  c.calibrated = scale.has_value() && (bias.has_value() || c.family != ModelFamily::Siglip);
  return c;
}

}  // namespace clipfind
