// Normalizers of HF tokenizer.json: NFC/NFD/NFKC/NFKD, Lowercase, Replace, Strip, Prepend,
// StripAccents, Sequence.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "common/json_util.hpp"

namespace clipfind {

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  virtual std::u32string apply(std::u32string s) const = 0;
};

// Null JSON yields nullptr (no normalization).
std::unique_ptr<Normalizer> make_normalizer(const nlohmann::json& j, const std::string& where);

}  // namespace clipfind
