// Byte-pair encoding as HF tokenizers' models::bpe: initial symbols per character (with
// continuing_subword_prefix / end_of_word_suffix), unknowns through byte fallback or unk, then merges
// applied lowest rank first (leftmost among equal ranks) with a priority queue.
#include <queue>

#include "tokenizer/model.hpp"
#include "unicode/unicode.hpp"

namespace clipfind::tok {

using namespace jsonutil;

void TokenizerModel::add_token(const std::string& token, int32_t id, const std::string& where) {
  if (id < 0 || id > 10'000'000) jsonutil::fail(where, "token id " + std::to_string(id) + " out of range");
  if (size_t(id) >= tokens_.size()) tokens_.resize(size_t(id) + 1);
  tokens_[size_t(id)] = token;
  vocab_[token] = id;
}

bool TokenizerModel::append_byte_tokens(std::string_view text, std::vector<int32_t>& out) const {
  const size_t start = out.size();
  for (unsigned char b : text) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", b);
    const int32_t id = token_to_id(name);
    if (id < 0) {
      out.resize(start);
      return false;
    }
    out.push_back(id);
  }
  return !text.empty();
}

namespace {

class Bpe : public TokenizerModel {
 public:
  Bpe(const json& j, const std::string& where) {
    const json& vocab = field(j, "vocab", where);
    if (!vocab.is_object()) fail(where + ".vocab", "expected an object of token: id");
    for (auto it = vocab.begin(); it != vocab.end(); ++it) add_token(it.key(), int32_t(integer(it.value(), where + ".vocab['" + it.key() + "']")), where + ".vocab");
    prefix_ = field_or_empty(j, "continuing_subword_prefix");
    suffix_ = field_or_empty(j, "end_of_word_suffix");
    byte_fallback_ = opt_bool(j, "byte_fallback", false);
    fuse_unk_ = opt_bool(j, "fuse_unk", false);
    ignore_merges_ = opt_bool(j, "ignore_merges", false);
    const std::string unk = field_or_empty(j, "unk_token");
    if (!unk.empty()) {
      unk_id_ = token_to_id(unk);
      if (unk_id_ < 0) fail(where + ".unk_token", "'" + unk + "' is not in the vocabulary");
    }
    const json& merges = arr(j, "merges", where);
    merges_.reserve(merges.size());
    for (size_t r = 0; r < merges.size(); ++r) {
      const std::string at = where + ".merges[" + std::to_string(r) + "]";
      std::string a, b;
      if (merges[r].is_string()) {
        const std::string m = merges[r].get<std::string>();
        const size_t sp = m.find(' ');
        if (sp == std::string::npos || m.find(' ', sp + 1) != std::string::npos) fail(at, "expected 'left right'");
        a = m.substr(0, sp);
        b = m.substr(sp + 1);
      } else if (merges[r].is_array() && merges[r].size() == 2 && merges[r][0].is_string() && merges[r][1].is_string()) {
        a = merges[r][0].get<std::string>();
        b = merges[r][1].get<std::string>();
      } else {
        fail(at, "expected a string or a pair of strings");
      }
      const int32_t ia = token_to_id(a), ib = token_to_id(b);
      if (ia < 0) fail(at, "unknown token '" + a + "'");
      if (ib < 0) fail(at, "unknown token '" + b + "'");
      const std::string merged = a + (b.compare(0, prefix_.size(), prefix_) == 0 ? b.substr(prefix_.size()) : b);
      const int32_t im = token_to_id(merged);
      if (im < 0) fail(at, "merged token '" + merged + "' is not in the vocabulary");
      merges_.emplace(key(ia, ib), std::pair<int32_t, int32_t>(int32_t(r), im));
    }
  }

  void tokenize(const std::u32string& piece, std::vector<int32_t>& out) const override {
    if (piece.empty()) return;
    std::string word = unicode::utf8_encode(piece);
    if (auto it = cache_.find(word); it != cache_.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
      return;
    }
    std::vector<int32_t> ids = encode_word(piece, word);
    if (cache_.size() > 20000) cache_.clear();  // bounded: long inputs must not grow memory forever
    cache_.emplace(word, ids);
    out.insert(out.end(), ids.begin(), ids.end());
  }

 private:
  static uint64_t key(int32_t a, int32_t b) { return (uint64_t(uint32_t(a)) << 32) | uint32_t(b); }
  static std::string field_or_empty(const json& j, const char* k) {
    auto it = j.find(k);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  }

  std::vector<int32_t> encode_word(const std::u32string& piece, const std::string& word) const {
    if (ignore_merges_) {
      const int32_t whole = token_to_id(word + suffix_);
      if (whole >= 0) return {whole};
    }
    std::vector<int32_t> sym;
    std::vector<bool> is_unk;
    std::string s;
    int32_t pending_unk = -1;
    auto flush_unk = [&] {
      if (pending_unk >= 0) sym.push_back(pending_unk);
      pending_unk = -1;
    };
    for (size_t i = 0; i < piece.size(); ++i) {
      s.clear();
      if (i > 0) s += prefix_;
      unicode::utf8_append(s, piece[i]);
      if (i + 1 == piece.size()) s += suffix_;
      const int32_t id = token_to_id(s);
      if (id >= 0) {
        flush_unk();
        sym.push_back(id);
        continue;
      }
      if (byte_fallback_) {
        std::vector<int32_t> bytes;
        if (append_byte_tokens(s, bytes)) {
          flush_unk();
          sym.insert(sym.end(), bytes.begin(), bytes.end());
          continue;
        }
      }
      if (unk_id_ >= 0) {
        if (pending_unk >= 0 && !fuse_unk_) sym.push_back(pending_unk);
        pending_unk = unk_id_;
      }
    }
    flush_unk();
    return merge(std::move(sym));
  }

  std::vector<int32_t> merge(std::vector<int32_t> c) const {
    const int n = int(c.size());
    if (n < 2) return c;
    std::vector<int> prev(static_cast<size_t>(n)), next(static_cast<size_t>(n));
    std::vector<bool> alive(static_cast<size_t>(n), true);
    for (int i = 0; i < n; ++i) {
      prev[size_t(i)] = i - 1;
      next[size_t(i)] = i + 1 < n ? i + 1 : -1;
    }
    struct Item {
      int32_t rank;
      int pos;
      int32_t new_id;
      bool operator>(const Item& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
    };
    std::priority_queue<Item, std::vector<Item>, std::greater<Item>> q;
    auto push = [&](int pos) {
      const int nx = next[size_t(pos)];
      if (nx < 0) return;
      auto it = merges_.find(key(c[size_t(pos)], c[size_t(nx)]));
      if (it != merges_.end()) q.push({it->second.first, pos, it->second.second});
    };
    for (int i = 0; i + 1 < n; ++i) push(i);
    while (!q.empty()) {
      const Item top = q.top();
      q.pop();
      const size_t p = size_t(top.pos);
      if (!alive[p] || next[p] < 0) continue;
      const size_t nx = size_t(next[p]);
      auto it = merges_.find(key(c[p], c[nx]));
      if (it == merges_.end() || it->second.second != top.new_id) continue;  // stale entry
      c[p] = top.new_id;
      alive[nx] = false;
      next[p] = next[nx];
      if (next[p] >= 0) prev[size_t(next[p])] = int(p);
      if (prev[p] >= 0) push(prev[p]);
      push(int(p));
    }
    std::vector<int32_t> out;
    for (int i = 0; i >= 0; i = next[size_t(i)]) out.push_back(c[size_t(i)]);
    return out;
  }

  std::unordered_map<uint64_t, std::pair<int32_t, int32_t>> merges_;  // (left, right) -> (rank, merged)
  std::string prefix_;
  int32_t unk_id_ = -1;
  bool byte_fallback_ = false, fuse_unk_ = false, ignore_merges_ = false;
  mutable std::unordered_map<std::string, std::vector<int32_t>> cache_;
};

}  // namespace


std::unique_ptr<TokenizerModel> make_model(const json& j, const std::string& where) {
  std::string type = opt_str(j, "type", "");
  if (type.empty() && j.is_object() && j.contains("merges")) type = "BPE";  // older files omit it
  if (type == "BPE") return std::make_unique<Bpe>(j, where);
  if (type == "Unigram") return make_unigram(j, where);
  if (type.empty()) fail(where, "missing field 'type'");
  fail(where, "unsupported model type '" + type + "' (supported: BPE, Unigram)");
}

}  // namespace clipfind::tok
