// A small backtracking regex engine over code points for the patterns tokenizer.json files use
// (HF tokenizers runs them with Oniguruma: leftmost-first alternation, greedy/lazy/possessive
// quantifiers, lookahead, \p{..} Unicode classes, (?i) for ASCII).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace clipfind {

class Regex {
 public:
  // Throws Error(InvalidModel) on syntax it does not support, naming the pattern.
  explicit Regex(std::u32string_view pattern);

  // Non-overlapping matches, left to right, as [begin, end) offsets. Empty matches are skipped.
  std::vector<std::pair<size_t, size_t>> find_all(std::u32string_view text) const;

  struct CharSet {
    std::vector<std::pair<char32_t, char32_t>> ranges;
    uint32_t categories = 0;      // bit per unicode::Category
    uint32_t not_categories = 0;  // \P{..} inside the set
    uint8_t props = 0;            // bit flags of Prop, see regex.cpp
    uint8_t not_props = 0;
    bool negated = false;
    bool contains(char32_t c) const;
  };
  struct Node {
    enum Kind : uint8_t { Set, Seq, Alt, Repeat, Look, Bol, Eol } kind;
    CharSet set;
    std::vector<int> kids;
    int min = 0, max = 0;
    bool greedy = true, possessive = false, negative = false;
    // Set every match of this node must start with (-1 when unknown or it can match empty): lets
    // alternations skip branches without entering them.
    int first = -1;
  };

 private:
  int first_set(int id) const;
  std::vector<Node> nodes_;
  int root_ = -1;
  friend class RegexMatcher;
  friend class RegexParser;
};

}  // namespace clipfind
