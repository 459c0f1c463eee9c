// Unicode properties and algorithms the tokenizers need, from tables generated out of the Unicode
// Character Database (generate_tables.py): categories, White_Space, normalization forms, lowercase.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace clipfind::unicode {

enum class Category : uint8_t {
  Cn, Lu, Ll, Lt, Lm, Lo, Mn, Mc, Me, Nd, Nl, No, Pc, Pd, Ps, Pe, Pi,
  Pf, Po, Sm, Sc, Sk, So, Zs, Zl, Zp, Cc, Cf, Cs, Co
};

const char* version();
Category category(char32_t c);
inline bool is_letter(char32_t c) { auto k = category(c); return k >= Category::Lu && k <= Category::Lo; }
inline bool is_mark(char32_t c) { auto k = category(c); return k >= Category::Mn && k <= Category::Me; }
inline bool is_number(char32_t c) { auto k = category(c); return k >= Category::Nd && k <= Category::No; }
inline bool is_punctuation(char32_t c) { auto k = category(c); return k >= Category::Pc && k <= Category::Po; }
inline bool is_symbol(char32_t c) { auto k = category(c); return k >= Category::Sm && k <= Category::So; }
inline bool is_separator(char32_t c) { auto k = category(c); return k >= Category::Zs && k <= Category::Zp; }
inline bool is_control(char32_t c) { auto k = category(c); return k >= Category::Cc && k <= Category::Co; }
bool is_white_space(char32_t c);  // the White_Space property (what \s means in Unicode regexes)
uint8_t combining_class(char32_t c);

enum class Form { NFC, NFD, NFKC, NFKD };
std::u32string normalize(std::u32string_view s, Form form);
// Full lowercase mapping (SpecialCasing included, Final_Sigma applied), as Rust's str::to_lowercase.
std::u32string to_lower(std::u32string_view s);

// UTF-8 <-> code points. Invalid UTF-8 decodes to U+FFFD per maximal invalid subpart (WHATWG).
std::u32string utf8_decode(std::string_view s);
std::string utf8_encode(std::u32string_view s);
void utf8_append(std::string& out, char32_t c);

}  // namespace clipfind::unicode
