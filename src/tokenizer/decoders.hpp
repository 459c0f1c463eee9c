// Decoders of HF tokenizer.json (ByteLevel, Metaspace, BPEDecoder, ByteFallback, Fuse, Strip,
// Replace, Sequence): token strings back to text.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "common/json_util.hpp"

namespace clipfind {

using Decoder = std::function<std::vector<std::string>(std::vector<std::string>)>;

// Null JSON yields a decoder that concatenates tokens.
Decoder make_decoder(const nlohmann::json& j, const std::string& where);

}  // namespace clipfind
