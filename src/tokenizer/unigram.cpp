// Unigram language model segmentation as HF tokenizers' models::unigram (encode_optimized): the
// best-scoring path by Viterbi over every vocabulary piece that starts at each position; characters
// no piece covers get the unknown score (min score - 10), consecutive unknowns are fused.
#include <cmath>
#include <limits>

#include "tokenizer/model.hpp"
#include "unicode/unicode.hpp"

namespace clipfind::tok {

using namespace jsonutil;

namespace {

class Unigram : public TokenizerModel {
 public:
  Unigram(const json& j, const std::string& where) {
    const json& vocab = arr(j, "vocab", where);
    scores_.reserve(vocab.size());
    for (size_t i = 0; i < vocab.size(); ++i) {
      const std::string at = where + ".vocab[" + std::to_string(i) + "]";
      const json& e = vocab[i];
      if (!e.is_array() || e.size() != 2 || !e[0].is_string() || !e[1].is_number()) fail(at, "expected [piece, score]");
      const std::string piece = e[0].get<std::string>();
      add_token(piece, int32_t(i), at);
      scores_.push_back(e[1].get<double>());
      max_len_ = std::max(max_len_, unicode::utf8_decode(piece).size());
      min_score_ = std::min(min_score_, scores_.back());
    }
    if (auto it = j.find("unk_id"); it != j.end() && !it->is_null()) {
      unk_id_ = int32_t(integer(*it, where + ".unk_id"));
      if (unk_id_ < 0 || size_t(unk_id_) >= scores_.size()) fail(where + ".unk_id", "out of range");
    }
    byte_fallback_ = opt_bool(j, "byte_fallback", false);
  }

  void tokenize(const std::u32string& piece, std::vector<int32_t>& out) const override {
    const size_t n = piece.size();
    if (n == 0) return;
    const double unk_score = min_score_ - 10.0;
    struct Node { int32_t id = -1; double score = 0; long start = -1; };
    std::vector<Node> best(n + 1);
    best[0].start = 0;
    std::string key;
    for (size_t s = 0; s < n; ++s) {
      if (best[s].start < 0) continue;
      const double base = best[s].score;
      bool single = false;
      key.clear();
      for (size_t len = 1; len <= max_len_ && s + len <= n; ++len) {
        unicode::utf8_append(key, piece[s + len - 1]);
        const int32_t id = token_to_id(key);
        if (id < 0) continue;
        const double cand = base + scores_[size_t(id)];
        Node& t = best[s + len];
        if (t.start < 0 || cand > t.score) t = {id, cand, long(s)};
        if (len == 1) single = true;
      }
      if (!single) {
        if (unk_id_ < 0) throw Error(ErrorCode::InvalidModel, "Unigram: no piece covers a character and the model has no unk_id");
        Node& t = best[s + 1];
        const double cand = base + unk_score;
        if (t.start < 0 || cand > t.score) t = {unk_id_, cand, long(s)};
      }
    }
    // Backtrack; fuse runs of unknowns into one piece.
    std::vector<std::pair<size_t, size_t>> spans;
    std::vector<bool> unk;
    for (size_t e = n; e > 0;) {
      const Node& node = best[e];
      const size_t s = size_t(node.start);
      const bool is_unk = node.id == unk_id_;
      if (is_unk && !unk.empty() && unk.back()) spans.back().first = s;
      else {
        spans.push_back({s, e});
        unk.push_back(is_unk);
      }
      e = s;
    }
    for (size_t i = spans.size(); i-- > 0;) {
      const std::string text = unicode::utf8_encode(std::u32string_view(piece).substr(spans[i].first, spans[i].second - spans[i].first));
      const int32_t id = token_to_id(text);
      if (id >= 0 && !unk[i]) {
        out.push_back(id);
        continue;
      }
      if (byte_fallback_ && append_byte_tokens(text, out)) continue;
      out.push_back(unk_id_);
    }
  }

 private:
  std::vector<double> scores_;
  size_t max_len_ = 1;
  double min_score_ = std::numeric_limits<double>::infinity();
  int32_t unk_id_ = -1;
  bool byte_fallback_ = false;
};

}  // namespace

std::unique_ptr<TokenizerModel> make_unigram(const json& j, const std::string& where) { return std::make_unique<Unigram>(j, where); }

}  // namespace clipfind::tok
