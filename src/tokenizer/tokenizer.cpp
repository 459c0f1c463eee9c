#include "tokenizer/tokenizer.hpp"

#include <algorithm>

#include "unicode/unicode.hpp"

namespace clipfind {

using json = nlohmann::json;

std::unique_ptr<Tokenizer> Tokenizer::from_json(const std::string& tokenizer_json, const std::string& config_json) {
  using namespace jsonutil;
  try {
    const json j = parse(tokenizer_json, "tokenizer.json");
    if (!j.is_object()) fail("tokenizer.json", "expected a JSON object");
    auto t = std::unique_ptr<Tokenizer>(new Tokenizer());
    t->model_ = tok::make_model(field(j, "model", "tokenizer.json"), "tokenizer.json: model");
    t->normalizer_ = make_normalizer(j.value("normalizer", json()), "tokenizer.json: normalizer");
    t->pre_tokenizer_ = make_pre_tokenizer(j.value("pre_tokenizer", json()), "tokenizer.json: pre_tokenizer");
    t->wrap_ = make_post_processor(j.value("post_processor", json()), "tokenizer.json: post_processor");
    t->decoder_ = make_decoder(j.value("decoder", json()), "tokenizer.json: decoder");
    if (auto it = j.find("added_tokens"); it != j.end() && !it->is_null()) {
      if (!it->is_array()) fail("tokenizer.json: added_tokens", "expected an array");
      for (size_t i = 0; i < it->size(); ++i) {
        const json& a = (*it)[i];
        const std::string at = "tokenizer.json: added_tokens[" + std::to_string(i) + "]";
        AddedToken tok;
        tok.content = unicode::utf8_decode(str(a, "content", at));
        tok.id = int32_t(integer(field(a, "id", at), at + ".id"));
        tok.special = opt_bool(a, "special", false);
        tok.normalized = opt_bool(a, "normalized", !tok.special);
        tok.lstrip = opt_bool(a, "lstrip", false);
        tok.rstrip = opt_bool(a, "rstrip", false);
        tok.single_word = opt_bool(a, "single_word", false);
        if (tok.content.empty()) fail(at, "empty content");
        t->added_.push_back(std::move(tok));
      }
    }
    for (const int32_t id : t->wrap_.before)
      if (!t->model_->id_to_token(id) && std::none_of(t->added_.begin(), t->added_.end(), [&](auto& a) { return a.id == id; }))
        fail("tokenizer.json: post_processor", "special token id " + std::to_string(id) + " is not in the vocabulary");

    // Truncation and padding: tokenizer.json first, then tokenizer_config.json.
    if (auto tr = j.find("truncation"); tr != j.end() && tr->is_object() && tr->contains("max_length"))
      t->max_length_ = size_t(integer((*tr)["max_length"], "tokenizer.json: truncation.max_length"));
    if (auto pd = j.find("padding"); pd != j.end() && pd->is_object()) {
      if (pd->contains("pad_id")) t->pad_id_ = int32_t(integer((*pd)["pad_id"], "tokenizer.json: padding.pad_id"));
      const json& strategy = pd->value("strategy", json());
      if (strategy.is_object() && strategy.contains("Fixed")) {
        t->default_padding_ = Padding::MaxLength;
        if (t->max_length_ == 0) t->max_length_ = size_t(integer(strategy["Fixed"], "tokenizer.json: padding.strategy.Fixed"));
      } else {
        t->default_padding_ = Padding::Longest;
      }
    }
    if (!config_json.empty()) {
      const json c = parse(config_json, "tokenizer_config.json");
      if (!c.is_object()) fail("tokenizer_config.json", "expected a JSON object");
      if (t->max_length_ == 0 && c.contains("model_max_length") && c["model_max_length"].is_number()) {
        const double m = c["model_max_length"].get<double>();
        if (m >= 1 && m <= 1e6) t->max_length_ = size_t(m);  // transformers uses 1e30 for "no limit"
      }
      // Special tokens declared only in the config join the added vocabulary, as transformers does
      // when it loads a fast tokenizer (tokens tokenizer.json already lists keep its flags).
      auto add_special = [&](const json& v, const std::string& at) {
        AddedToken tok{};
        std::string content;
        if (v.is_string()) {
          content = v.get<std::string>();
        } else if (v.is_object() && v.contains("content") && v["content"].is_string()) {
          content = v["content"].get<std::string>();
          tok.normalized = opt_bool(v, "normalized", false);
          tok.lstrip = opt_bool(v, "lstrip", false);
          tok.rstrip = opt_bool(v, "rstrip", false);
          tok.single_word = opt_bool(v, "single_word", false);
        } else {
          fail(at, "expected a string or an AddedToken object");
        }
        tok.special = true;
        tok.id = t->token_to_id(content);
        if (tok.id < 0 || content.empty()) return;  // not in this vocabulary: transformers would add it; we cannot embed it
        tok.content = unicode::utf8_decode(content);
        for (auto& a : t->added_)
          if (a.content == tok.content) return;
        t->added_.push_back(std::move(tok));
      };
      for (const char* key : {"bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"})
        if (c.contains(key) && !c[key].is_null()) add_special(c[key], std::string("tokenizer_config.json: ") + key);
      if (c.contains("additional_special_tokens") && c["additional_special_tokens"].is_array())
        for (auto& v : c["additional_special_tokens"]) add_special(v, "tokenizer_config.json: additional_special_tokens");
      if (!(j.contains("padding") && j["padding"].is_object())) {
        json pad = c.value("pad_token", json());
        if (pad.is_object()) pad = pad.value("content", json());
        if (pad.is_string()) {
          const int32_t id = t->token_to_id(pad.get<std::string>());
          if (id < 0) fail("tokenizer_config.json: pad_token", "'" + pad.get<std::string>() + "' is not a known token");
          t->pad_id_ = id;
        }
      }
    }
    return t;
  } catch (const json::exception& e) {
    throw Error(ErrorCode::InvalidModel, std::string("tokenizer.json: ") + e.what());
  }
}

int32_t Tokenizer::token_to_id(const std::string& token) const {
  const std::u32string u = unicode::utf8_decode(token);
  for (auto& a : added_)
    if (a.content == u) return a.id;
  return model_->token_to_id(token);
}

size_t Tokenizer::vocab_size() const {
  size_t n = model_->vocab_size();
  for (auto& a : added_) n = std::max(n, size_t(a.id) + 1);
  return n;
}

// Splits text around added tokens of one kind (matched on raw text when normalized_set is false,
// on normalized text otherwise), leftmost-longest, honouring lstrip/rstrip/single_word. Pieces that
// are not added tokens get id -1.
void Tokenizer::split_added(const std::u32string& text, bool normalized_set,
                            std::vector<std::pair<std::u32string, int32_t>>& out) const {
  auto is_word = [](char32_t c) { return unicode::is_letter(c) || unicode::is_number(c) || c == U'_'; };
  size_t last = 0, i = 0;
  while (i < text.size()) {
    const AddedToken* best = nullptr;
    for (auto& a : added_) {
      if (a.normalized != normalized_set || a.content.size() <= (best ? best->content.size() : 0)) continue;
      if (text.compare(i, a.content.size(), a.content) != 0) continue;
      if (a.single_word) {
        const size_t e = i + a.content.size();
        if ((i > 0 && is_word(text[i - 1])) || (e < text.size() && is_word(text[e]))) continue;
      }
      best = &a;
    }
    if (!best) {
      ++i;
      continue;
    }
    size_t b = i, e = i + best->content.size();
    if (best->lstrip) while (b > last && unicode::is_white_space(text[b - 1])) --b;
    if (best->rstrip) while (e < text.size() && unicode::is_white_space(text[e])) ++e;
    if (b > last) out.push_back({text.substr(last, b - last), -1});
    out.push_back({std::u32string(), best->id});
    last = i = e;
  }
  if (last < text.size()) out.push_back({text.substr(last), -1});
}

void Tokenizer::encode_content(const std::u32string& text, std::vector<int32_t>& ids) const {
  std::vector<std::pair<std::u32string, int32_t>> raw;
  split_added(text, false, raw);
  for (auto& [piece, id] : raw) {
    if (id >= 0) {
      ids.push_back(id);
      continue;
    }
    const std::u32string norm = normalizer_ ? normalizer_->apply(piece) : piece;
    std::vector<std::pair<std::u32string, int32_t>> parts;
    split_added(norm, true, parts);
    for (auto& [p, pid] : parts) {
      if (pid >= 0) {
        ids.push_back(pid);
        continue;
      }
      Pieces pieces{p};
      if (pre_tokenizer_) pieces = pre_tokenizer_->apply(std::move(pieces));
      for (auto& w : pieces) model_->tokenize(w, ids);
    }
  }
}

std::vector<int32_t> Tokenizer::encode(std::string_view text, bool add_special_tokens, bool truncate) const {
  std::vector<int32_t> content;
  encode_content(unicode::utf8_decode(text), content);
  const size_t specials = add_special_tokens ? wrap_.count() : 0;
  if (truncate && max_length_ > 0) {
    const size_t room = max_length_ > specials ? max_length_ - specials : 0;
    if (content.size() > room) content.resize(room);
  }
  if (!add_special_tokens) return content;
  std::vector<int32_t> ids(wrap_.before);
  ids.insert(ids.end(), content.begin(), content.end());
  ids.insert(ids.end(), wrap_.after.begin(), wrap_.after.end());
  return ids;
}

EncodedBatch Tokenizer::encode_batch(std::span<const std::string> texts, Padding padding) const {
  std::vector<std::vector<int32_t>> rows;
  rows.reserve(texts.size());
  size_t longest = 0;
  for (auto& t : texts) {
    rows.push_back(encode(t));
    longest = std::max(longest, rows.back().size());
  }
  size_t cols = longest;
  if (padding == Padding::MaxLength && max_length_ > 0) cols = std::max(longest, max_length_);
  EncodedBatch b;
  b.rows = rows.size();
  if (padding == Padding::None) {
    // Unpadded rows must still be rectangular for a tensor: only equal lengths are accepted.
    for (auto& r : rows)
      if (r.size() != longest) throw Error(ErrorCode::InvalidArgument, "encode_batch: rows differ in length; use padding 'longest' or 'max_length'");
  }
  b.cols = cols;
  b.input_ids.assign(b.rows * cols, pad_id_);
  b.attention_mask.assign(b.rows * cols, 0);
  for (size_t r = 0; r < rows.size(); ++r)
    for (size_t c = 0; c < rows[r].size(); ++c) {
      b.input_ids[r * cols + c] = rows[r][c];
      b.attention_mask[r * cols + c] = 1;
    }
  return b;
}

std::string Tokenizer::decode(std::span<const int32_t> ids, bool skip_special_tokens) const {
  std::vector<std::string> tokens;
  for (int32_t id : ids) {
    auto added = std::find_if(added_.begin(), added_.end(), [&](auto& a) { return a.id == id; });
    if (added != added_.end()) {
      if (skip_special_tokens && added->special) continue;
      tokens.push_back(unicode::utf8_encode(added->content));
      continue;
    }
    if (const std::string* t = model_->id_to_token(id)) tokens.push_back(*t);
    else throw Error(ErrorCode::InvalidArgument, "decode: unknown token id " + std::to_string(id));
  }
  std::string out;
  for (auto& t : decoder_(std::move(tokens))) out += t;
  // BPE vocabularies with an end-of-word suffix (CLIP's </w>) mark word ends: they become spaces.
  const std::string& suffix = model_->end_of_word_suffix();
  if (!suffix.empty()) {
    std::string spaced;
    size_t last = 0;
    for (size_t p = out.find(suffix); p != std::string::npos; p = out.find(suffix, last)) {
      spaced.append(out, last, p - last).push_back(' ');
      last = p + suffix.size();
    }
    spaced.append(out, last, std::string::npos);
    while (!spaced.empty() && spaced.back() == ' ') spaced.pop_back();
    return spaced;
  }
  return out;
}

}  // namespace clipfind
