// A tokenizer loaded from HF `tokenizer.json` (+ optional `tokenizer_config.json`): added tokens,
// normalizer, pre-tokenizer, model, post-processor, truncation, padding and decoding, producing the
// same ids as the Hugging Face `tokenizers` library.
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "tokenizer/decoders.hpp"
#include "tokenizer/model.hpp"
#include "tokenizer/normalizers.hpp"
#include "tokenizer/post_processor.hpp"
#include "tokenizer/pre_tokenizers.hpp"

namespace clipfind {

enum class Padding { None, Longest, MaxLength };

struct EncodedBatch {
  std::vector<int64_t> input_ids;
  std::vector<int64_t> attention_mask;
  size_t rows = 0, cols = 0;
};

class Tokenizer {
 public:
  // Throws Error(InvalidModel) naming the file and field when something is malformed or unsupported.
  static std::unique_ptr<Tokenizer> from_json(const std::string& tokenizer_json, const std::string& config_json = "");

  // Ids of one text: special tokens added, truncated to max_length() keeping the end tokens when
  // `truncate` (and a max length is known), unpadded. Invalid UTF-8 decodes as U+FFFD.
  std::vector<int32_t> encode(std::string_view text, bool add_special_tokens = true, bool truncate = true) const;
  // Rectangular int64 batch for ONNX models. MaxLength pads to max_length() (or the longest row).
  EncodedBatch encode_batch(std::span<const std::string> texts, Padding padding) const;
  std::string decode(std::span<const int32_t> ids, bool skip_special_tokens = true) const;

  size_t max_length() const { return max_length_; }
  void set_max_length(size_t n) { max_length_ = n; }
  int32_t pad_id() const { return pad_id_; }
  void set_pad_id(int32_t id) { pad_id_ = id; }
  Padding default_padding() const { return default_padding_; }
  int32_t token_to_id(const std::string& token) const;
  size_t vocab_size() const;

 private:
  struct AddedToken {
    std::u32string content;
    int32_t id;
    bool special, normalized, lstrip, rstrip, single_word;
  };
  void split_added(const std::u32string& text, bool normalized_set, std::vector<std::pair<std::u32string, int32_t>>& out) const;
  void encode_content(const std::u32string& text, std::vector<int32_t>& ids) const;

  std::vector<AddedToken> added_;
  std::unique_ptr<Normalizer> normalizer_;
  std::unique_ptr<PreTokenizer> pre_tokenizer_;
  std::unique_ptr<tok::TokenizerModel> model_;
  SpecialWrap wrap_;
  Decoder decoder_;
  size_t max_length_ = 0;  // 0: unknown, no truncation
  int32_t pad_id_ = 0;
  Padding default_padding_ = Padding::None;
};

}  // namespace clipfind
