// Embind surface of Tokenizer. Batches are written to a buffer owned by the handle and copied out
// by JS as BigInt64Array views (no per-element conversions).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <memory>

#include "errors.hpp"
#include "tokenizer/tokenizer.hpp"

using emscripten::val;

namespace clipfind::bindings {
namespace {

class TokenizerHandle {
 public:
  val init(std::string tokenizer_json, std::string config_json) {
    return guarded([&] {
      tok_ = Tokenizer::from_json(tokenizer_json, config_json);
      return val::undefined();
    });
  }
  // text arrives as a JS string (UTF-8 encoded by Embind) or as raw bytes (Uint8Array).
  val encode(std::string text, bool add_special, bool truncate) {
    return guarded([&] {
      auto ids = get().encode(text, add_special, truncate);
      return val(emscripten::typed_memory_view(ids.size(), ids.data())).call<val>("slice");
    });
  }
  val encodeBatch(val texts, std::string padding) {
    return guarded([&] {
      Padding p = padding == "max_length" ? Padding::MaxLength : padding == "longest" ? Padding::Longest : Padding::None;
      if (padding != "max_length" && padding != "longest" && padding != "none")
        throw Error(ErrorCode::InvalidArgument, "padding must be 'longest', 'max_length' or false, got '" + padding + "'");
      auto list = emscripten::vecFromJSArray<std::string>(texts);
      EncodedBatch b = get().encode_batch(list, p);
      batch_.clear();
      batch_.insert(batch_.end(), b.input_ids.begin(), b.input_ids.end());
      batch_.insert(batch_.end(), b.attention_mask.begin(), b.attention_mask.end());
      val out = val::object();
      out.set("ptr", reinterpret_cast<uintptr_t>(batch_.data()));
      out.set("rows", b.rows);
      out.set("cols", b.cols);
      return out;
    });
  }
  val decode(uintptr_t ptr, size_t n, bool skip_special) {
    return guarded([&] { return val(get().decode(std::span(reinterpret_cast<const int32_t*>(ptr), n), skip_special)); });
  }
  val info() {
    return guarded([&] {
      val v = val::object();
      v.set("maxLength", get().max_length());
      v.set("padId", get().pad_id());
      v.set("vocabSize", get().vocab_size());
      const Padding p = get().default_padding();
      v.set("padding", std::string(p == Padding::MaxLength ? "max_length" : p == Padding::Longest ? "longest" : "none"));
      return v;
    });
  }
  val configure(double max_length, double pad_id) {
    return guarded([&] {
      if (max_length >= 0) get().set_max_length(size_t(max_length));
      if (pad_id >= 0) get().set_pad_id(int32_t(pad_id));
      return val::undefined();
    });
  }
  val tokenToId(std::string token) {
    return guarded([&] { return val(get().token_to_id(token)); });
  }

 private:
  Tokenizer& get() {
    if (!tok_) throw Error(ErrorCode::Closed, "tokenizer is not initialized");
    return *tok_;
  }
  std::unique_ptr<Tokenizer> tok_;
  std::vector<int64_t> batch_;
};

}  // namespace
}  // namespace clipfind::bindings

EMSCRIPTEN_BINDINGS(clipfind_tokenizer) {
  using clipfind::bindings::TokenizerHandle;
  emscripten::class_<TokenizerHandle>("TokenizerHandle")
      .constructor<>()
      .function("init", &TokenizerHandle::init)
      .function("encode", &TokenizerHandle::encode)
      .function("encodeBatch", &TokenizerHandle::encodeBatch)
      .function("decode", &TokenizerHandle::decode)
      .function("info", &TokenizerHandle::info)
      .function("configure", &TokenizerHandle::configure)
      .function("tokenToId", &TokenizerHandle::tokenToId);
}
