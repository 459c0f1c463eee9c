// libFuzzer: arbitrary bytes (invalid UTF-8 included) through a CLIP-style tokenizer.
#include <cstdint>
#include <memory>
#include <string>

#include "common/error.hpp"
#include "tokenizer/tokenizer.hpp"

static const char* kTokenizer = R"({"version":"1.0","added_tokens":[{"id":8,"content":"<|startoftext|>","special":true,"normalized":true},{"id":9,"content":"<|endoftext|>","special":true,"normalized":false}],
"normalizer":{"type":"Sequence","normalizers":[{"type":"NFC"},{"type":"Replace","pattern":{"Regex":"\\s+"},"content":" "},{"type":"Lowercase"}]},
"pre_tokenizer":{"type":"Sequence","pretokenizers":[{"type":"Split","pattern":{"Regex":"<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+"},"behavior":"Removed","invert":true},{"type":"ByteLevel","add_prefix_space":false,"use_regex":true}]},
"post_processor":{"type":"RobertaProcessing","sep":["<|endoftext|>",9],"cls":["<|startoftext|>",8]},
"decoder":{"type":"ByteLevel"},
"model":{"type":"BPE","unk_token":"<|endoftext|>","end_of_word_suffix":"</w>","vocab":{"a":0,"b":1,"a</w>":2,"b</w>":3,"ab</w>":4,"ab":5,"c":6,"c</w>":7,"<|startoftext|>":8,"<|endoftext|>":9},"merges":["a b</w>","a b"]}})";

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::unique_ptr<clipfind::Tokenizer> tok = clipfind::Tokenizer::from_json(kTokenizer, "{\"model_max_length\": 77}");
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    auto ids = tok->encode(text, true, false);
    tok->decode(ids);
  } catch (const clipfind::Error&) {
  }
  return 0;
}
