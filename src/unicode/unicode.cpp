#include "unicode/unicode.hpp"

#include <algorithm>
#include <array>

namespace clipfind::unicode {
namespace {

struct Range { char32_t first, last; };
struct CategoryRange { char32_t first, last; uint8_t value; };
struct Mapping { char32_t cp; uint32_t offset; uint8_t length; };
struct Composition { char32_t first, second, composite; };

#include "unicode/tables.inc"

template <typename T, size_t N>
const T* find_range(const T (&table)[N], char32_t c) {
  auto it = std::upper_bound(std::begin(table), std::end(table), c, [](char32_t v, const T& r) { return v < r.first; });
  if (it == std::begin(table)) return nullptr;
  --it;
  return c <= it->last ? &*it : nullptr;
}

template <size_t N>
const Mapping* find_mapping(const Mapping (&table)[N], char32_t c) {
  auto it = std::lower_bound(std::begin(table), std::end(table), c, [](const Mapping& m, char32_t v) { return m.cp < v; });
  return it != std::end(table) && it->cp == c ? &*it : nullptr;
}

// Hangul syllables are composed/decomposed algorithmically (Unicode 3.12).
constexpr char32_t SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
constexpr int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

void decompose(char32_t c, bool compat, std::u32string& out) {
  if (c >= SBase && c < SBase + SCount) {
    const int s = int(c - SBase);
    out.push_back(LBase + s / NCount);
    out.push_back(VBase + (s % NCount) / TCount);
    if (s % TCount) out.push_back(TBase + s % TCount);
    return;
  }
  const Mapping* m = compat ? find_mapping(kCompat, c) : nullptr;
  if (!m) m = find_mapping(kCanonical, c);
  if (!m) {
    out.push_back(c);
    return;
  }
  out.append(kPool + m->offset, m->length);
}

char32_t compose_pair(char32_t a, char32_t b) {
  if (a >= LBase && a < LBase + LCount && b >= VBase && b < VBase + VCount)
    return SBase + ((a - LBase) * VCount + (b - VBase)) * TCount;
  if (a >= SBase && a < SBase + SCount && (a - SBase) % TCount == 0 && b > TBase && b < TBase + TCount)
    return a + (b - TBase);
  auto it = std::lower_bound(std::begin(kCompositions), std::end(kCompositions), std::pair(a, b),
                             [](const Composition& c, const std::pair<char32_t, char32_t>& v) {
                               return c.first < v.first || (c.first == v.first && c.second < v.second);
                             });
  if (it != std::end(kCompositions) && it->first == a && it->second == b) return it->composite;
  return 0;
}

bool in(const Range* table, size_t n, char32_t c) {
  auto it = std::upper_bound(table, table + n, c, [](char32_t v, const Range& r) { return v < r.first; });
  return it != table && c <= (it - 1)->last;
}

bool is_cased(char32_t c) { return in(kCased, std::size(kCased), c); }
bool is_case_ignorable(char32_t c) { return in(kCaseIgnorable, std::size(kCaseIgnorable), c); }

}  // namespace

const char* version() { return kUnicodeVersion; }

Category category(char32_t c) {
  static const auto ascii = [] {
    std::array<uint8_t, 128> t{};
    for (char32_t a = 0; a < 128; ++a) {
      const CategoryRange* r = find_range(kCategories, a);
      t[a] = r ? r->value : 0;
    }
    return t;
  }();
  if (c < 128) return static_cast<Category>(ascii[c]);
  const CategoryRange* r = find_range(kCategories, c);
  return r ? static_cast<Category>(r->value) : Category::Cn;
}

bool is_white_space(char32_t c) { return in(kWhiteSpace, std::size(kWhiteSpace), c); }

uint8_t combining_class(char32_t c) {
  if (c < 0x300) return 0;
  const CategoryRange* r = find_range(kCombiningClass, c);
  return r ? r->value : 0;
}

std::u32string normalize(std::u32string_view s, Form form) {
  // Fast path: ASCII is invariant under every form.
  if (std::all_of(s.begin(), s.end(), [](char32_t c) { return c < 0x80; })) return std::u32string(s);
  const bool compat = form == Form::NFKC || form == Form::NFKD;
  std::u32string d;
  d.reserve(s.size());
  for (char32_t c : s) decompose(c, compat, d);
  // Canonical ordering: stable sort of each run of non-starters by combining class.
  for (size_t i = 0; i < d.size();) {
    if (combining_class(d[i]) == 0) { ++i; continue; }
    size_t j = i;
    while (j < d.size() && combining_class(d[j]) != 0) ++j;
    std::stable_sort(d.begin() + i, d.begin() + j, [](char32_t a, char32_t b) { return combining_class(a) < combining_class(b); });
    i = j;
  }
  if (form == Form::NFD || form == Form::NFKD) return d;
  // Canonical composition: c combines with the last starter unless a character between them is a
  // starter or has a combining class >= c's (it is "blocked").
  std::u32string out;
  out.reserve(d.size());
  size_t starter = std::u32string::npos;
  int last_cc = 0;
  for (char32_t c : d) {
    const int cc = combining_class(c);
    if (starter != std::u32string::npos) {
      const bool adjacent = out.size() - 1 == starter;
      if (adjacent || (last_cc != 0 && last_cc < cc)) {
        if (char32_t p = compose_pair(out[starter], c)) {
          out[starter] = p;
          continue;
        }
      }
    }
    if (cc == 0) starter = out.size();
    last_cc = cc;
    out.push_back(c);
  }
  return out;
}

std::u32string to_lower(std::u32string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char32_t c = s[i];
    if (c < 0x80) {
      out.push_back(c >= 'A' && c <= 'Z' ? c + 32 : c);
      continue;
    }
    if (c == 0x03A3) {  // Final_Sigma: preceded by cased (skipping ignorables), not followed by cased
      size_t j = i;
      bool before = false;
      while (j > 0) {
        --j;
        if (is_case_ignorable(s[j])) continue;
        before = is_cased(s[j]);
        break;
      }
      bool after = false;
      for (size_t k = i + 1; k < s.size(); ++k) {
        if (is_case_ignorable(s[k])) continue;
        after = is_cased(s[k]);
        break;
      }
      out.push_back(before && !after ? 0x03C2 : 0x03C3);
      continue;
    }
    if (const Mapping* m = find_mapping(kLower, c)) out.append(kPool + m->offset, m->length);
    else out.push_back(c);
  }
  return out;
}

void utf8_append(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(char(c));
  } else if (c < 0x800) {
    out.push_back(char(0xC0 | (c >> 6)));
    out.push_back(char(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(char(0xE0 | (c >> 12)));
    out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(char(0x80 | (c & 0x3F)));
  } else {
    out.push_back(char(0xF0 | (c >> 18)));
    out.push_back(char(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(char(0x80 | (c & 0x3F)));
  }
}

std::string utf8_encode(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) utf8_append(out, c);
  return out;
}

std::u32string utf8_decode(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const uint8_t b = p[i];
    if (b < 0x80) {
      out.push_back(b);
      ++i;
      continue;
    }
    int len;
    char32_t c;
    uint8_t lo = 0x80, hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) { len = 2; c = b & 0x1F; }
    else if (b >= 0xE0 && b <= 0xEF) { len = 3; c = b & 0x0F; if (b == 0xE0) lo = 0xA0; if (b == 0xED) hi = 0x9F; }
    else if (b >= 0xF0 && b <= 0xF4) { len = 4; c = b & 0x07; if (b == 0xF0) lo = 0x90; if (b == 0xF4) hi = 0x8F; }
    else { out.push_back(0xFFFD); ++i; continue; }
    size_t j = i + 1;
    bool ok = true;
    for (int k = 1; k < len; ++k, ++j) {
      const uint8_t lo_k = k == 1 ? lo : 0x80, hi_k = k == 1 ? hi : 0xBF;
      if (j >= n || p[j] < lo_k || p[j] > hi_k) { ok = false; break; }
      c = (c << 6) | (p[j] & 0x3F);
    }
    out.push_back(ok ? c : 0xFFFD);
    i = ok ? i + len : j;  // a maximal invalid subpart is replaced by one U+FFFD
  }
  return out;
}

}  // namespace clipfind::unicode
