// Post-processors of HF tokenizer.json for single sequences: the special-token ids placed before
// and after the content (RobertaProcessing, BertProcessing, TemplateProcessing, Sequence).
#pragma once
#include <cstdint>
#include <vector>

#include "common/json_util.hpp"

namespace clipfind {

struct SpecialWrap {
  std::vector<int32_t> before, after;
  size_t count() const { return before.size() + after.size(); }
};

SpecialWrap make_post_processor(const nlohmann::json& j, const std::string& where);

}  // namespace clipfind
