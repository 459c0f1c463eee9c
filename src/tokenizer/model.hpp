// Tokenization models of HF tokenizer.json: BPE (merges with ranks) and Unigram (Viterbi).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/json_util.hpp"

namespace clipfind::tok {

using json = nlohmann::json;

// A tokenization model (tokenizer.json `model`): pieces of pre-tokenized text to ids.
class TokenizerModel {
 public:
  virtual ~TokenizerModel() = default;
  // Appends the ids of one pre-tokenized piece.
  virtual void tokenize(const std::u32string& piece, std::vector<int32_t>& out) const = 0;
  int32_t token_to_id(const std::string& token) const {
    auto it = vocab_.find(token);
    return it == vocab_.end() ? -1 : it->second;
  }
  const std::string* id_to_token(int32_t id) const {
    return id >= 0 && size_t(id) < tokens_.size() && !tokens_[size_t(id)].empty() ? &tokens_[size_t(id)] : nullptr;
  }
  size_t vocab_size() const { return tokens_.size(); }
  const std::string& end_of_word_suffix() const { return suffix_; }

 protected:
  void add_token(const std::string& token, int32_t id, const std::string& where);
  // Byte fallback: the <0xNN> tokens of every byte of text appended to out; false (out unchanged)
  // when the vocabulary lacks one of them.
  bool append_byte_tokens(std::string_view text, std::vector<int32_t>& out) const;
  std::unordered_map<std::string, int32_t> vocab_;
  std::vector<std::string> tokens_;
  std::string suffix_;
};

std::unique_ptr<TokenizerModel> make_model(const json& j, const std::string& where);
std::unique_ptr<TokenizerModel> make_unigram(const json& j, const std::string& where);

}  // namespace clipfind::tok
