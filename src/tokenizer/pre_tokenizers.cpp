#include "tokenizer/pre_tokenizers.hpp"

#include <algorithm>

#include "tokenizer/byte_level.hpp"
#include "tokenizer/regex.hpp"
#include "unicode/unicode.hpp"

namespace clipfind {

std::unique_ptr<Regex> make_pattern(const nlohmann::json& pattern, const std::string& where, std::u32string* literal);

namespace {

using json = nlohmann::json;
using Matches = std::vector<std::pair<size_t, size_t>>;

enum class Behavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

Behavior parse_behavior(const std::string& s, const std::string& where) {
  if (s == "Removed") return Behavior::Removed;
  if (s == "Isolated") return Behavior::Isolated;
  if (s == "MergedWithPrevious") return Behavior::MergedWithPrevious;
  if (s == "MergedWithNext") return Behavior::MergedWithNext;
  if (s == "Contiguous") return Behavior::Contiguous;
  jsonutil::fail(where, "unknown split behavior '" + s + "'");
}

// Splits one piece given its matches, as HF's NormalizedString::split.
void split_piece(const std::u32string& s, const Matches& matches, bool invert, Behavior b, Pieces& out) {
  std::vector<std::pair<std::pair<size_t, size_t>, bool>> parts;  // (range, is_match)
  size_t last = 0;
  for (auto [mb, me] : matches) {
    if (mb > last) parts.push_back({{last, mb}, false});
    parts.push_back({{mb, me}, true});
    last = me;
  }
  if (last < s.size()) parts.push_back({{last, s.size()}, false});
  if (invert)
    for (auto& p : parts) p.second = !p.second;

  std::vector<std::pair<size_t, size_t>> spans;
  switch (b) {
    case Behavior::Isolated:
      for (auto& p : parts) spans.push_back(p.first);
      break;
    case Behavior::Removed:
      for (auto& p : parts)
        if (!p.second) spans.push_back(p.first);
      break;
    case Behavior::MergedWithPrevious: {
      bool prev_match = false;
      for (auto& p : parts) {
        if (p.second && !spans.empty() && !prev_match) spans.back().second = p.first.second;
        else spans.push_back(p.first);
        prev_match = p.second;
      }
      break;
    }
    case Behavior::MergedWithNext: {  // walk backwards: a match joins the piece after it
      bool next_match = false;
      for (size_t i = parts.size(); i-- > 0;) {
        auto& p = parts[i];
        if (p.second && !next_match && !spans.empty()) spans.back().first = p.first.first;
        else spans.push_back(p.first);
        next_match = p.second;
      }
      std::reverse(spans.begin(), spans.end());
      break;
    }
    case Behavior::Contiguous: {
      bool prev_match = false;
      for (auto& p : parts) {
        if (p.second && prev_match && !spans.empty()) spans.back().second = p.first.second;
        else spans.push_back(p.first);
        prev_match = p.second;
      }
      break;
    }
  }
  for (auto [sb, se] : spans)
    if (se > sb) out.push_back(s.substr(sb, se - sb));
}

Matches literal_matches(const std::u32string& s, const std::u32string& lit) {
  Matches m;
  if (lit.empty()) return m;
  for (size_t p = s.find(lit); p != std::u32string::npos; p = s.find(lit, p + lit.size())) m.push_back({p, p + lit.size()});
  return m;
}

class Split : public PreTokenizer {
 public:
  Split(std::unique_ptr<Regex> re, std::u32string lit, Behavior b, bool invert)
      : re_(std::move(re)), lit_(std::move(lit)), behavior_(b), invert_(invert) {}
  Pieces apply(Pieces pieces) const override {
    Pieces out;
    for (auto& p : pieces) split_piece(p, re_ ? re_->find_all(p) : literal_matches(p, lit_), invert_, behavior_, out);
    return out;
  }

 private:
  std::unique_ptr<Regex> re_;
  std::u32string lit_;
  Behavior behavior_;
  bool invert_;
};

// Single-character predicate splits (Whitespace/Punctuation/Digits) share this.
template <typename Pred>
Matches char_matches(const std::u32string& s, Pred pred, bool contiguous) {
  Matches m;
  for (size_t i = 0; i < s.size();) {
    if (!pred(s[i])) { ++i; continue; }
    size_t j = i + 1;
    if (contiguous) while (j < s.size() && pred(s[j])) ++j;
    m.push_back({i, j});
    i = j;
  }
  return m;
}

// Punctuation and Digits: split at the characters a predicate picks (one by one, or runs of them).
class CharClassSplit : public PreTokenizer {
 public:
  CharClassSplit(bool (*pred)(char32_t), bool contiguous, Behavior b) : pred_(pred), contiguous_(contiguous), b_(b) {}
  Pieces apply(Pieces pieces) const override {
    Pieces out;
    for (auto& p : pieces) split_piece(p, char_matches(p, pred_, contiguous_), false, b_, out);
    return out;
  }

 private:
  bool (*pred_)(char32_t);
  bool contiguous_;
  Behavior b_;
};

bool is_punct(char32_t c) {
  return unicode::is_punctuation(c) ||
         (c < 128 && ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)));
}

bool is_digit(char32_t c) { return unicode::is_number(c); }

class WhitespaceSplit : public PreTokenizer {
 public:
  Pieces apply(Pieces pieces) const override {
    Pieces out;
    for (auto& p : pieces)
      split_piece(p, char_matches(p, unicode::is_white_space, true), false, Behavior::Removed, out);
    return out;
  }
};

class RegexSplit : public PreTokenizer {  // Whitespace: \w+|[^\w\s]+, and ByteLevel's GPT-2 regex
 public:
  RegexSplit(const std::u32string& pattern, bool invert, Behavior b) : re_(pattern), invert_(invert), b_(b) {}
  Pieces apply(Pieces pieces) const override {
    Pieces out;
    for (auto& p : pieces) split_piece(p, re_.find_all(p), invert_, b_, out);
    return out;
  }
  Matches matches(const std::u32string& s) const { return re_.find_all(s); }

 private:
  Regex re_;
  bool invert_;
  Behavior b_;
};

const char32_t* kGpt2Pattern = U"'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

class ByteLevel : public PreTokenizer {
 public:
  ByteLevel(bool add_prefix_space, bool use_regex) : add_prefix_space_(add_prefix_space) {
    if (use_regex) regex_ = std::make_unique<Regex>(kGpt2Pattern);
  }
  Pieces apply(Pieces pieces) const override {
    Pieces split;
    for (auto& p : pieces) {
      std::u32string s = p;
      if (add_prefix_space_ && !s.empty() && s[0] != U' ') s.insert(s.begin(), U' ');
      if (regex_) split_piece(s, regex_->find_all(s), false, Behavior::Isolated, split);
      else split.push_back(std::move(s));
    }
    const auto& table = byte_level::byte_to_char();
    Pieces out;
    out.reserve(split.size());
    for (auto& p : split) {
      std::string bytes = unicode::utf8_encode(p);
      std::u32string mapped;
      mapped.reserve(bytes.size());
      for (unsigned char b : bytes) mapped.push_back(table[b]);
      out.push_back(std::move(mapped));
    }
    return out;
  }

 private:
  bool add_prefix_space_;
  std::unique_ptr<Regex> regex_;
};

class Metaspace : public PreTokenizer {
 public:
  enum class Prepend { Always, First, Never };
  Metaspace(char32_t replacement, Prepend prepend, bool split) : rep_(replacement), prepend_(prepend), split_(split) {}
  Pieces apply(Pieces pieces) const override {
    Pieces out;
    for (size_t i = 0; i < pieces.size(); ++i) {
      std::u32string s = pieces[i];
      for (auto& c : s)
        if (c == U' ') c = rep_;
      const bool prepend = prepend_ == Prepend::Always || (prepend_ == Prepend::First && i == 0);
      if (prepend && !s.empty() && s[0] != rep_) s.insert(s.begin(), rep_);
      if (!split_) {
        out.push_back(std::move(s));
        continue;
      }
      split_piece(s, char_matches(s, [this](char32_t c) { return c == rep_; }, false), false, Behavior::MergedWithNext, out);
    }
    return out;
  }

 private:
  char32_t rep_;
  Prepend prepend_;
  bool split_;
};

class Sequence : public PreTokenizer {
 public:
  explicit Sequence(std::vector<std::unique_ptr<PreTokenizer>> items) : items_(std::move(items)) {}
  Pieces apply(Pieces pieces) const override {
    for (auto& p : items_) pieces = p->apply(std::move(pieces));
    return pieces;
  }

 private:
  std::vector<std::unique_ptr<PreTokenizer>> items_;
};

}  // namespace

std::unique_ptr<PreTokenizer> make_pre_tokenizer(const json& j, const std::string& where) {
  using namespace jsonutil;
  if (j.is_null()) return nullptr;
  const std::string type = str(j, "type", where);
  if (type == "Split") {
    std::u32string lit;
    auto re = make_pattern(field(j, "pattern", where), where + ".pattern", &lit);
    return std::make_unique<Split>(std::move(re), lit, parse_behavior(str(j, "behavior", where), where + ".behavior"),
                                   opt_bool(j, "invert", false));
  }
  if (type == "ByteLevel") return std::make_unique<ByteLevel>(opt_bool(j, "add_prefix_space", true), opt_bool(j, "use_regex", true));
  if (type == "Whitespace") return std::make_unique<RegexSplit>(U"\\w+|[^\\w\\s]+", true, Behavior::Removed);
  if (type == "WhitespaceSplit") return std::make_unique<WhitespaceSplit>();
  if (type == "Punctuation") return std::make_unique<CharClassSplit>(is_punct, false, parse_behavior(opt_str(j, "behavior", "Isolated"), where + ".behavior"));
  if (type == "Digits") {
    const bool individual = opt_bool(j, "individual_digits", false);
    return std::make_unique<CharClassSplit>(is_digit, !individual, individual ? Behavior::Isolated : Behavior::Contiguous);
  }
  if (type == "Metaspace") {
    const std::u32string rep = unicode::utf8_decode(opt_str(j, "replacement", "\xE2\x96\x81"));
    if (rep.size() != 1) fail(where + ".replacement", "expected one character");
    Metaspace::Prepend prepend = opt_bool(j, "add_prefix_space", true) ? Metaspace::Prepend::Always : Metaspace::Prepend::Never;
    const std::string scheme = opt_str(j, "prepend_scheme", "");
    if (scheme == "always") prepend = Metaspace::Prepend::Always;
    else if (scheme == "first") prepend = Metaspace::Prepend::First;
    else if (scheme == "never") prepend = Metaspace::Prepend::Never;
    else if (!scheme.empty()) fail(where + ".prepend_scheme", "unknown value '" + scheme + "'");
    return std::make_unique<Metaspace>(rep[0], prepend, opt_bool(j, "split", true));
  }
  if (type == "Sequence") {
    std::vector<std::unique_ptr<PreTokenizer>> items;
    const json& list = arr(j, "pretokenizers", where);
    for (size_t i = 0; i < list.size(); ++i) {
      auto p = make_pre_tokenizer(list[i], where + ".pretokenizers[" + std::to_string(i) + "]");
      if (p) items.push_back(std::move(p));
    }
    return std::make_unique<Sequence>(std::move(items));
  }
  fail(where, "unsupported pre_tokenizer type '" + type + "'");
}

}  // namespace clipfind
