// libFuzzer: tokenizer.json (+ config) parsing, then encoding with whatever loaded.
#include <cstdint>
#include <string>

#include "common/error.hpp"
#include "tokenizer/tokenizer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    auto tok = clipfind::Tokenizer::from_json(text, "");
    tok->encode("a photo of a cat \xF0\x9F\x90\xB1 <|endoftext|> \xff");
    tok->encode(text.substr(0, 200));
  } catch (const clipfind::Error&) {
  }
  return 0;
}
