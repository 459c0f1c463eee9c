#include "tokenizer/regex.hpp"

#include <climits>

#include "common/error.hpp"
#include "unicode/unicode.hpp"

namespace clipfind {
namespace {

using unicode::Category;
enum Prop : uint8_t { Space = 1, Digit = 2, Word = 4, AnyButNewline = 8 };

uint32_t cat_bit(Category c) { return 1u << static_cast<unsigned>(c); }
uint32_t cat_bits(Category first, Category last) {
  uint32_t m = 0;
  for (unsigned c = unsigned(first); c <= unsigned(last); ++c) m |= 1u << c;
  return m;
}

bool has_prop(uint8_t props, char32_t c) {
  if ((props & AnyButNewline) && c != U'\n') return true;
  // \s is the White_Space property, as in Oniguruma (HF tokenizers). ECMAScript's \s differs: it
  // adds U+FEFF and lacks U+0085.
  if ((props & Space) && unicode::is_white_space(c)) return true;
  if ((props & Digit) && unicode::category(c) == Category::Nd) return true;
  if ((props & Word) && (unicode::is_letter(c) || unicode::is_mark(c) || unicode::category(c) == Category::Nd ||
                         unicode::category(c) == Category::Pc))
    return true;
  return false;
}

// Category names as \p{..} accepts them (short and long forms).
bool category_mask(const std::string& name, uint32_t& mask) {
  static const std::pair<const char*, Category> singles[] = {
      {"Lu", Category::Lu}, {"Ll", Category::Ll}, {"Lt", Category::Lt}, {"Lm", Category::Lm}, {"Lo", Category::Lo},
      {"Mn", Category::Mn}, {"Mc", Category::Mc}, {"Me", Category::Me}, {"Nd", Category::Nd}, {"Nl", Category::Nl},
      {"No", Category::No}, {"Pc", Category::Pc}, {"Pd", Category::Pd}, {"Ps", Category::Ps}, {"Pe", Category::Pe},
      {"Pi", Category::Pi}, {"Pf", Category::Pf}, {"Po", Category::Po}, {"Sm", Category::Sm}, {"Sc", Category::Sc},
      {"Sk", Category::Sk}, {"So", Category::So}, {"Zs", Category::Zs}, {"Zl", Category::Zl}, {"Zp", Category::Zp},
      {"Cc", Category::Cc}, {"Cf", Category::Cf}, {"Cs", Category::Cs}, {"Co", Category::Co}, {"Cn", Category::Cn}};
  for (auto& [n, c] : singles)
    if (name == n) { mask = cat_bit(c); return true; }
  if (name == "L" || name == "Letter") { mask = cat_bits(Category::Lu, Category::Lo); return true; }
  if (name == "M" || name == "Mark") { mask = cat_bits(Category::Mn, Category::Me); return true; }
  if (name == "N" || name == "Number") { mask = cat_bits(Category::Nd, Category::No); return true; }
  if (name == "P" || name == "Punctuation") { mask = cat_bits(Category::Pc, Category::Po); return true; }
  if (name == "S" || name == "Symbol") { mask = cat_bits(Category::Sm, Category::So); return true; }
  if (name == "Z" || name == "Separator") { mask = cat_bits(Category::Zs, Category::Zp); return true; }
  if (name == "C" || name == "Other") { mask = cat_bits(Category::Cc, Category::Co) | cat_bit(Category::Cn); return true; }
  return false;
}

}  // namespace

bool Regex::CharSet::contains(char32_t c) const {
  bool in = false;
  for (auto& [a, b] : ranges)
    if (c >= a && c <= b) { in = true; break; }
  if (!in && (categories || not_categories)) {
    const uint32_t bit = cat_bit(unicode::category(c));
    in = (categories & bit) || (not_categories && !(not_categories & bit));
  }
  if (!in && props) in = has_prop(props, c);
  if (!in && not_props) in = !has_prop(not_props, c);
  return in != negated;
}

class RegexParser {
 public:
  RegexParser(Regex& re, std::u32string_view p) : re_(re), p_(p) {}

  int parse() {
    int n = alternation();
    if (i_ != p_.size()) fail("unexpected ')'");
    return n;
  }

 private:
  [[noreturn]] void fail(const std::string& why) {
    throw Error(ErrorCode::InvalidModel, "regex '" + unicode::utf8_encode(p_) + "': " + why + " at " + std::to_string(i_));
  }
  bool eof() const { return i_ >= p_.size(); }
  char32_t peek() const { return p_[i_]; }
  int add(Regex::Node n) {
    re_.nodes_.push_back(std::move(n));
    return int(re_.nodes_.size() - 1);
  }

  int alternation() {
    std::vector<int> alts{sequence()};
    while (!eof() && peek() == U'|') {
      ++i_;
      alts.push_back(sequence());
    }
    if (alts.size() == 1) return alts[0];
    Regex::Node n{Regex::Node::Alt, {}, alts};
    return add(std::move(n));
  }

  int sequence() {
    std::vector<int> items;
    while (!eof() && peek() != U'|' && peek() != U')') items.push_back(quantified());
    Regex::Node n{Regex::Node::Seq, {}, items};
    return add(std::move(n));
  }

  int quantified() {
    int atom_node = atom();
    while (!eof()) {
      int mn, mx;
      const char32_t c = peek();
      if (c == U'*') { mn = 0; mx = INT_MAX; ++i_; }
      else if (c == U'+') { mn = 1; mx = INT_MAX; ++i_; }
      else if (c == U'?') { mn = 0; mx = 1; ++i_; }
      else if (c == U'{' && counted(mn, mx)) {}
      else break;
      Regex::Node n{Regex::Node::Repeat, {}, {atom_node}};
      n.min = mn;
      n.max = mx;
      if (!eof() && peek() == U'?') { n.greedy = false; ++i_; }
      else if (!eof() && peek() == U'+') { n.possessive = true; ++i_; }
      atom_node = add(std::move(n));
    }
    return atom_node;
  }

  bool counted(int& mn, int& mx) {
    size_t j = i_ + 1;
    auto num = [&](int& out) {
      size_t start = j;
      long v = 0;
      while (j < p_.size() && p_[j] >= U'0' && p_[j] <= U'9' && v < 100000) v = v * 10 + (p_[j++] - U'0');
      out = int(v);
      return j > start;
    };
    if (!num(mn)) return false;
    mx = mn;
    if (j < p_.size() && p_[j] == U',') {
      ++j;
      if (!num(mx)) mx = INT_MAX;
    }
    if (j >= p_.size() || p_[j] != U'}' || mx < mn) return false;
    i_ = j + 1;
    return true;
  }

  int set_node(Regex::CharSet s) {
    Regex::Node n{Regex::Node::Set, std::move(s), {}};
    return add(std::move(n));
  }

  int atom() {
    const char32_t c = p_[i_++];
    switch (c) {
      case U'(': return group();
      case U'[': return set_node(bracket());
      case U'.': { Regex::CharSet s; s.props = AnyButNewline; return set_node(s); }
      case U'^': return add(Regex::Node{Regex::Node::Bol, {}, {}});
      case U'$': return add(Regex::Node{Regex::Node::Eol, {}, {}});
      case U'\\': { Regex::CharSet s; escape(s); return set_node(fold(s)); }
      case U'*': case U'+': case U'?': fail("nothing to repeat");
      default: { Regex::CharSet s; s.ranges.push_back({c, c}); return set_node(fold(s)); }
    }
  }

  Regex::CharSet fold(Regex::CharSet s) {
    if (!icase_) return s;
    auto r = s.ranges;
    for (auto [a, b] : r) {
      for (char32_t x = a; x <= b && x < 128; ++x) {
        if (x >= U'a' && x <= U'z') s.ranges.push_back({x - 32, x - 32});
        if (x >= U'A' && x <= U'Z') s.ranges.push_back({x + 32, x + 32});
      }
    }
    return s;
  }

  int group() {
    bool saved = icase_;
    int kind = 0;  // 0 plain, 1 lookahead, 2 negative lookahead
    if (!eof() && peek() == U'?') {
      ++i_;
      if (eof()) fail("bad group");
      const char32_t g = p_[i_++];
      if (g == U':') {}
      else if (g == U'=') kind = 1;
      else if (g == U'!') kind = 2;
      else if (g == U'i') {
        icase_ = true;
        if (!eof() && peek() == U')') {  // (?i) applies to the rest of the enclosing group
          ++i_;
          return add(Regex::Node{Regex::Node::Seq, {}, {}});
        }
        if (eof() || p_[i_++] != U':') fail("unsupported group flag");
      } else if (g == U'<' && !eof() && (peek() == U'=' || peek() == U'!')) {
        fail("lookbehind is not supported");
      } else {
        fail("unsupported group syntax");
      }
    }
    int inner = alternation();
    if (eof() || p_[i_++] != U')') fail("missing ')'");
    if (kind != 1 && kind != 2) icase_ = saved;
    else icase_ = saved;
    if (kind == 0) return inner;
    Regex::Node n{Regex::Node::Look, {}, {inner}};
    n.negative = kind == 2;
    return add(std::move(n));
  }

  // One escape; adds to s. Returns the literal code point when it was one (for ranges), else -1.
  long escape(Regex::CharSet& s) {
    if (eof()) fail("trailing backslash");
    const char32_t c = p_[i_++];
    switch (c) {
      case U's': s.props |= Space; return -1;
      case U'S': s.not_props |= Space; return -1;
      case U'd': s.props |= Digit; return -1;
      case U'D': s.not_props |= Digit; return -1;
      case U'w': s.props |= Word; return -1;
      case U'W': s.not_props |= Word; return -1;
      case U'p': case U'P': {
        std::string name;
        if (!eof() && peek() == U'{') {
          ++i_;
          while (!eof() && peek() != U'}') name.push_back(char(p_[i_++]));
          if (eof()) fail("unterminated \\p{");
          ++i_;
        } else if (!eof()) {
          name.push_back(char(p_[i_++]));
        }
        bool neg = c == U'P';
        if (!name.empty() && name[0] == '^') { neg = !neg; name.erase(0, 1); }
        uint32_t mask;
        if (!category_mask(name, mask)) fail("unknown property \\p{" + name + "}");
        (neg ? s.not_categories : s.categories) |= mask;
        return -1;
      }
      case U'n': s.ranges.push_back({U'\n', U'\n'}); return U'\n';
      case U'r': s.ranges.push_back({U'\r', U'\r'}); return U'\r';
      case U't': s.ranges.push_back({U'\t', U'\t'}); return U'\t';
      case U'f': s.ranges.push_back({U'\f', U'\f'}); return U'\f';
      case U'v': s.ranges.push_back({U'\v', U'\v'}); return U'\v';
      case U'0': s.ranges.push_back({0, 0}); return 0;
      case U'x': case U'u': {
        char32_t v = 0;
        int digits = 0;
        const bool braced = !eof() && peek() == U'{';
        if (braced) ++i_;
        const int maxd = braced ? 8 : (c == U'x' ? 2 : 4);
        while (!eof() && digits < maxd && std::isxdigit(int(peek() < 128 ? peek() : 0))) {
          const char32_t h = p_[i_++];
          v = v * 16 + (h <= U'9' ? h - U'0' : (h | 0x20) - U'a' + 10);
          ++digits;
        }
        if (braced && (eof() || p_[i_++] != U'}')) fail("bad \\x{..}");
        if (digits == 0 || v > 0x10FFFF) fail("bad hex escape");
        s.ranges.push_back({v, v});
        return v;
      }
      default:
        if ((c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z') || (c >= U'0' && c <= U'9'))
          fail(std::string("unsupported escape \\") + char(c));
        s.ranges.push_back({c, c});
        return c;
    }
  }

  Regex::CharSet bracket() {
    Regex::CharSet s;
    if (!eof() && peek() == U'^') { s.negated = true; ++i_; }
    bool first = true;
    while (true) {
      if (eof()) fail("unterminated [");
      char32_t c = p_[i_];
      if (c == U']' && !first) { ++i_; break; }
      first = false;
      if (c == U'[') fail("nested classes are not supported");
      long lo;
      ++i_;
      if (c == U'\\') {
        lo = escape(s);
        if (lo < 0) continue;
        s.ranges.pop_back();
      } else {
        lo = c;
      }
      char32_t hi = char32_t(lo);
      if (i_ + 1 < p_.size() && p_[i_] == U'-' && p_[i_ + 1] != U']') {
        ++i_;
        char32_t h = p_[i_++];
        if (h == U'\\') {
          Regex::CharSet tmp;
          long v = escape(tmp);
          if (v < 0) fail("bad range end");
          h = char32_t(v);
        }
        if (h < char32_t(lo)) fail("bad range");
        hi = h;
      }
      s.ranges.push_back({char32_t(lo), hi});
    }
    return fold(s);
  }

  Regex& re_;
  std::u32string_view p_;
  size_t i_ = 0;
  bool icase_ = false;
};

// Non-owning callable reference: continuations are passed on every step, so no allocation.
template <typename Sig>
class FnRef;
template <typename R, typename... A>
class FnRef<R(A...)> {
 public:
  template <typename F>
  FnRef(const F& f) : obj_(&f), call_([](const void* o, A... a) -> R { return (*static_cast<const F*>(o))(a...); }) {}
  R operator()(A... a) const { return call_(obj_, a...); }

 private:
  const void* obj_;
  R (*call_)(const void*, A...);
};

class RegexMatcher {
 public:
  RegexMatcher(const Regex& re, std::u32string_view t) : re_(re), t_(t) {}

  // End of the leftmost-first match starting at pos, or npos.
  size_t match_at(size_t pos) {
    size_t end = std::u32string::npos;
    steps_ = 0;
    m(re_.root_, pos, [&](size_t e) { end = e; return true; });
    return end;
  }

 private:
  using Cont = FnRef<bool(size_t)>;

  bool m(int id, size_t pos, Cont k) {
    if (++steps_ > kMaxSteps)
      throw Error(ErrorCode::InvalidArgument, "regex: input too complex (backtracking limit)");
    const Regex::Node& n = re_.nodes_[size_t(id)];
    switch (n.kind) {
      case Regex::Node::Set:
        return pos < t_.size() && n.set.contains(t_[pos]) && k(pos + 1);
      case Regex::Node::Seq: return seq(n, 0, pos, k);
      case Regex::Node::Alt:
        for (int kid : n.kids) {
          const int f = re_.nodes_[size_t(kid)].first;
          if (f >= 0 && (pos >= t_.size() || !re_.nodes_[size_t(f)].set.contains(t_[pos]))) continue;
          if (m(kid, pos, k)) return true;
        }
        return false;
      case Regex::Node::Repeat: {
        const Regex::Node& child = re_.nodes_[size_t(n.kids[0])];
        if (child.kind == Regex::Node::Set) return repeat_set(n, child.set, pos, k);
        if (n.possessive) {
          size_t end = pos;
          int count = 0;
          while (count < n.max) {
            size_t next = std::u32string::npos;
            if (!m(n.kids[0], end, [&](size_t e) { next = e; return true; }) || next == end) break;
            end = next;
            ++count;
          }
          return count >= n.min && k(end);
        }
        return repeat(n, 0, pos, k);
      }
      case Regex::Node::Look: {
        const bool found = m(n.kids[0], pos, [](size_t) { return true; });
        return found != n.negative && k(pos);
      }
      case Regex::Node::Bol: return pos == 0 && k(pos);
      case Regex::Node::Eol: return pos == t_.size() && k(pos);
    }
    return false;
  }

  bool seq(const Regex::Node& n, size_t idx, size_t pos, Cont k) {
    if (idx == n.kids.size()) return k(pos);
    return m(n.kids[idx], pos, [&](size_t p) { return seq(n, idx + 1, p, k); });
  }

  // Single-character repeats (the common case: \p{L}+) count the run once, then back off.
  bool repeat_set(const Regex::Node& n, const Regex::CharSet& set, size_t pos, Cont k) {
    size_t run = 0;
    const size_t limit = size_t(n.max);
    while (run < limit && pos + run < t_.size() && set.contains(t_[pos + run])) ++run;
    if (run < size_t(n.min)) return false;
    if (n.possessive) return k(pos + run);
    if (n.greedy) {
      for (size_t r = run + 1; r-- > size_t(n.min);)
        if (k(pos + r)) return true;
      return false;
    }
    for (size_t r = size_t(n.min); r <= run; ++r)
      if (k(pos + r)) return true;
    return false;
  }

  bool repeat(const Regex::Node& n, int count, size_t pos, Cont k) {
    auto more = [&] {
      return count < n.max && m(n.kids[0], pos, [&](size_t p) { return p != pos && repeat(n, count + 1, p, k); });
    };
    if (n.greedy) return more() || (count >= n.min && k(pos));
    return (count >= n.min && k(pos)) || more();
  }

  static constexpr size_t kMaxSteps = 10'000'000;
  const Regex& re_;
  std::u32string_view t_;
  size_t steps_ = 0;
};

Regex::Regex(std::u32string_view pattern) {
  RegexParser parser(*this, pattern);
  root_ = parser.parse();
  for (size_t i = 0; i < nodes_.size(); ++i) nodes_[i].first = first_set(int(i));
}

int Regex::first_set(int id) const {
  const Node& n = nodes_[size_t(id)];
  switch (n.kind) {
    case Node::Set: return id;
    case Node::Seq: return n.kids.empty() ? -1 : first_set(n.kids[0]);
    case Node::Repeat: return n.min >= 1 ? first_set(n.kids[0]) : -1;
    default: return -1;
  }
}

std::vector<std::pair<size_t, size_t>> Regex::find_all(std::u32string_view text) const {
  std::vector<std::pair<size_t, size_t>> out;
  RegexMatcher matcher(*this, text);
  const CharSet* first = nodes_[size_t(root_)].first >= 0 ? &nodes_[size_t(nodes_[size_t(root_)].first)].set : nullptr;
  size_t pos = 0;
  while (pos < text.size()) {
    if (first && !first->contains(text[pos])) {  // cannot start here
      ++pos;
      continue;
    }
    const size_t end = matcher.match_at(pos);
    if (end != std::u32string::npos && end > pos) {
      out.emplace_back(pos, end);
      pos = end;
    } else {
      ++pos;
    }
  }
  return out;
}

}  // namespace clipfind
