// Pre-tokenizers of HF tokenizer.json: Split, ByteLevel, Metaspace, Whitespace, WhitespaceSplit,
// Punctuation, Digits, Sequence. Each maps a list of pieces to a finer list.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "common/json_util.hpp"

namespace clipfind {

using Pieces = std::vector<std::u32string>;

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  virtual Pieces apply(Pieces pieces) const = 0;
};

std::unique_ptr<PreTokenizer> make_pre_tokenizer(const nlohmann::json& j, const std::string& where);

}  // namespace clipfind
