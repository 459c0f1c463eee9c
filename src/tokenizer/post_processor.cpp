#include "tokenizer/post_processor.hpp"

namespace clipfind {

using json = nlohmann::json;

static int32_t pair_id(const json& j, const char* key, const std::string& where) {
  const json& v = jsonutil::field(j, key, where);
  if (!v.is_array() || v.size() != 2 || !v[0].is_string()) jsonutil::fail(where + "." + key, "expected [token, id]");
  return int32_t(jsonutil::integer(v[1], where + "." + key + "[1]"));
}

SpecialWrap make_post_processor(const json& j, const std::string& where) {
  using namespace jsonutil;
  SpecialWrap w;
  if (j.is_null()) return w;
  const std::string type = str(j, "type", where);
  if (type == "RobertaProcessing" || type == "BertProcessing") {
    w.before.push_back(pair_id(j, "cls", where));
    w.after.push_back(pair_id(j, "sep", where));
    return w;
  }
  if (type == "ByteLevel") return w;  // offsets only
  if (type == "TemplateProcessing") {
    const json& single = arr(j, "single", where);
    const json& specials = field(j, "special_tokens", where);
    bool seen_sequence = false;
    for (size_t i = 0; i < single.size(); ++i) {
      const std::string at = where + ".single[" + std::to_string(i) + "]";
      const json& piece = single[i];
      if (piece.is_object() && piece.contains("Sequence")) {
        seen_sequence = true;
        continue;
      }
      if (!piece.is_object() || !piece.contains("SpecialToken")) fail(at, "expected Sequence or SpecialToken");
      const std::string name = str(piece["SpecialToken"], "id", at + ".SpecialToken");
      if (!specials.is_object() || !specials.contains(name)) fail(where + ".special_tokens", "missing '" + name + "'");
      const json& ids = arr(specials[name], "ids", where + ".special_tokens['" + name + "']");
      for (auto& id : ids) (seen_sequence ? w.after : w.before).push_back(int32_t(integer(id, at)));
    }
    if (!seen_sequence) fail(where + ".single", "template has no Sequence");
    return w;
  }
  if (type == "Sequence") {
    const json& list = arr(j, "processors", where);
    for (size_t i = 0; i < list.size(); ++i) {
      SpecialWrap s = make_post_processor(list[i], where + ".processors[" + std::to_string(i) + "]");
      w.before.insert(w.before.end(), s.before.begin(), s.before.end());
      w.after.insert(w.after.begin(), s.after.begin(), s.after.end());
    }
    return w;
  }
  fail(where, "unsupported post_processor type '" + type + "'");
}

}  // namespace clipfind
