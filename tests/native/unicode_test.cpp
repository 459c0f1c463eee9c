#include "unicode/unicode.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "tokenizer/regex.hpp"

using namespace clipfind;
using namespace clipfind::unicode;

namespace {

std::u32string parse_cps(const std::string& field) {
  std::u32string out;
  std::istringstream in(field);
  std::string hex;
  while (in >> hex) out.push_back(char32_t(std::stoul(hex, nullptr, 16)));
  return out;
}

}  // namespace

// Unicode's own conformance file: for every line, NFC/NFD/NFKC/NFKD of each column as specified.
TEST(Unicode, NormalizationConformance) {
  const char* path = "/usr/share/unicode/NormalizationTest.txt.bz2";
  FILE* f = std::fopen(path, "rb");
  if (!f) GTEST_SKIP() << path << " is absent (Debian package unicode-data)";
  std::fclose(f);
  FILE* p = popen((std::string("bzcat ") + path).c_str(), "r");
  ASSERT_NE(p, nullptr);
  char buf[4096];
  size_t lines = 0, failures = 0;
  while (std::fgets(buf, sizeof buf, p)) {
    std::string line(buf);
    if (line.empty() || line[0] == '#' || line[0] == '@') continue;
    std::vector<std::u32string> c;
    std::istringstream in(line);
    std::string field;
    for (int i = 0; i < 5 && std::getline(in, field, ';'); ++i) c.push_back(parse_cps(field));
    if (c.size() != 5) continue;
    ++lines;
    auto check = [&](Form form, const std::u32string& src, const std::u32string& want) {
      if (normalize(src, form) != want && ++failures <= 10) ADD_FAILURE() << "line: " << line;
    };
    for (int i : {0, 1, 2}) check(Form::NFC, c[size_t(i)], c[1]);
    for (int i : {3, 4}) check(Form::NFC, c[size_t(i)], c[3]);
    for (int i : {0, 1, 2}) check(Form::NFD, c[size_t(i)], c[2]);
    for (int i : {3, 4}) check(Form::NFD, c[size_t(i)], c[4]);
    for (int i = 0; i < 5; ++i) check(Form::NFKC, c[size_t(i)], c[3]);
    for (int i = 0; i < 5; ++i) check(Form::NFKD, c[size_t(i)], c[4]);
  }
  pclose(p);
  EXPECT_GT(lines, 15000u);
  EXPECT_EQ(failures, 0u);
}

TEST(Unicode, CategoriesAndCase) {
  EXPECT_TRUE(is_letter(U'a'));
  EXPECT_TRUE(is_letter(U'Ж'));
  EXPECT_TRUE(is_letter(0x4E00));
  EXPECT_TRUE(is_number(U'٣'));
  EXPECT_FALSE(is_letter(U'1'));
  EXPECT_TRUE(is_white_space(0x3000));
  EXPECT_TRUE(is_white_space(0x85));
  EXPECT_FALSE(is_white_space(0xFEFF));
  EXPECT_EQ(to_lower(U"ÀB\u0130"), std::u32string(U"àbi\u0307"));
  EXPECT_EQ(to_lower(U"ΟΔΟΣ ΣΑ"), std::u32string(U"οδος σα"));  // final sigma only at word end
}

TEST(Unicode, Utf8DecodeReplacesInvalidSequences) {
  EXPECT_EQ(utf8_decode("a\xff" "b"), std::u32string(U"a\uFFFDb"));
  EXPECT_EQ(utf8_decode("\xe2\x82"), std::u32string(U"\uFFFD"));  // truncated sequence: one replacement
  EXPECT_EQ(utf8_decode("\xed\xa0\x80"), std::u32string(U"\uFFFD\uFFFD\uFFFD"));  // surrogate
  EXPECT_EQ(utf8_encode(utf8_decode("h\xc3\xa9 \xf0\x9f\x98\x80")), "h\xc3\xa9 \xf0\x9f\x98\x80");
}

TEST(Regex, ClipAndGpt2Patterns) {
  Regex clip(U"'s|'t|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+");
  auto m = clip.find_all(U"it's 42 héllo!!");
  std::vector<std::u32string> parts;
  std::u32string text = U"it's 42 héllo!!";
  for (auto [b, e] : m) parts.push_back(text.substr(b, e - b));
  EXPECT_EQ(parts, (std::vector<std::u32string>{U"it", U"'s", U"4", U"2", U"héllo", U"!!"}));
  Regex ws(U"\\s+(?!\\S)|\\s+");
  auto w = ws.find_all(U"a   b");
  // the lookahead leaves the last space before a word to its own match (GPT-2's " b")
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0], std::make_pair(size_t(1), size_t(3)));
  EXPECT_EQ(w[1], std::make_pair(size_t(3), size_t(4)));
  Regex lazy(U"a+?b|(?i:X)");
  EXPECT_EQ(lazy.find_all(U"aab x").size(), 2u);
  EXPECT_THROW(Regex(U"(?<=a)b"), Error);
  EXPECT_THROW(Regex(U"[a-"), Error);
  EXPECT_THROW(Regex(U"\\p{Bogus}"), Error);
}
