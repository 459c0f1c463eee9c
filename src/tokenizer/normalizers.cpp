#include "tokenizer/normalizers.hpp"

#include "tokenizer/regex.hpp"
#include "unicode/unicode.hpp"

namespace clipfind {
namespace {

using json = nlohmann::json;

class FormNormalizer : public Normalizer {
 public:
  explicit FormNormalizer(unicode::Form f) : form_(f) {}
  std::u32string apply(std::u32string s) const override { return unicode::normalize(s, form_); }

 private:
  unicode::Form form_;
};

class Lowercase : public Normalizer {
 public:
  std::u32string apply(std::u32string s) const override { return unicode::to_lower(s); }
};

class Replace : public Normalizer {
 public:
  Replace(std::u32string literal, std::unique_ptr<Regex> regex, std::u32string content)
      : literal_(std::move(literal)), regex_(std::move(regex)), content_(std::move(content)) {}
  std::u32string apply(std::u32string s) const override {
    std::u32string out;
    size_t last = 0;
    if (regex_) {
      for (auto [b, e] : regex_->find_all(s)) {
        out.append(s, last, b - last);
        out += content_;
        last = e;
      }
    } else {
      if (literal_.empty()) return s;
      for (size_t p = s.find(literal_); p != std::u32string::npos; p = s.find(literal_, last)) {
        out.append(s, last, p - last);
        out += content_;
        last = p + literal_.size();
      }
    }
    out.append(s, last, std::u32string::npos);
    return out;
  }

 private:
  std::u32string literal_;
  std::unique_ptr<Regex> regex_;
  std::u32string content_;
};

class Strip : public Normalizer {
 public:
  Strip(bool left, bool right) : left_(left), right_(right) {}
  std::u32string apply(std::u32string s) const override {
    size_t b = 0, e = s.size();
    if (left_) while (b < e && unicode::is_white_space(s[b])) ++b;
    if (right_) while (e > b && unicode::is_white_space(s[e - 1])) --e;
    return s.substr(b, e - b);
  }

 private:
  bool left_, right_;
};

class Prepend : public Normalizer {
 public:
  explicit Prepend(std::u32string p) : p_(std::move(p)) {}
  std::u32string apply(std::u32string s) const override { return s.empty() ? s : p_ + s; }

 private:
  std::u32string p_;
};

class StripAccents : public Normalizer {
 public:
  std::u32string apply(std::u32string s) const override {
    std::u32string out;
    for (char32_t c : s)
      if (unicode::category(c) != unicode::Category::Mn) out.push_back(c);
    return out;
  }
};

class Sequence : public Normalizer {
 public:
  explicit Sequence(std::vector<std::unique_ptr<Normalizer>> items) : items_(std::move(items)) {}
  std::u32string apply(std::u32string s) const override {
    for (auto& n : items_) s = n->apply(std::move(s));
    return s;
  }

 private:
  std::vector<std::unique_ptr<Normalizer>> items_;
};

}  // namespace

std::unique_ptr<Regex> make_pattern(const json& pattern, const std::string& where, std::u32string* literal);

std::unique_ptr<Normalizer> make_normalizer(const json& j, const std::string& where) {
  using namespace jsonutil;
  if (j.is_null()) return nullptr;
  const std::string type = str(j, "type", where);
  if (type == "NFC") return std::make_unique<FormNormalizer>(unicode::Form::NFC);
  if (type == "NFD") return std::make_unique<FormNormalizer>(unicode::Form::NFD);
  if (type == "NFKC") return std::make_unique<FormNormalizer>(unicode::Form::NFKC);
  if (type == "NFKD") return std::make_unique<FormNormalizer>(unicode::Form::NFKD);
  if (type == "Lowercase") return std::make_unique<Lowercase>();
  if (type == "StripAccents") return std::make_unique<StripAccents>();
  if (type == "Strip") return std::make_unique<Strip>(opt_bool(j, "strip_left", true), opt_bool(j, "strip_right", true));
  if (type == "Prepend") return std::make_unique<Prepend>(unicode::utf8_decode(str(j, "prepend", where)));
  if (type == "Replace") {
    std::u32string literal;
    auto regex = make_pattern(field(j, "pattern", where), where + ".pattern", &literal);
    return std::make_unique<Replace>(literal, std::move(regex), unicode::utf8_decode(str(j, "content", where)));
  }
  if (type == "Sequence") {
    std::vector<std::unique_ptr<Normalizer>> items;
    const json& list = arr(j, "normalizers", where);
    for (size_t i = 0; i < list.size(); ++i) {
      auto n = make_normalizer(list[i], where + ".normalizers[" + std::to_string(i) + "]");
      if (n) items.push_back(std::move(n));
    }
    return std::make_unique<Sequence>(std::move(items));
  }
  fail(where, "unsupported normalizer type '" + type + "'");
}

// {"String": "..."} or {"Regex": "..."}: a literal (returned through `literal`) or a compiled regex.
std::unique_ptr<Regex> make_pattern(const json& pattern, const std::string& where, std::u32string* literal) {
  using namespace jsonutil;
  if (pattern.is_object() && pattern.contains("Regex")) {
    return std::make_unique<Regex>(unicode::utf8_decode(str(pattern, "Regex", where)));
  }
  if (pattern.is_object() && pattern.contains("String")) {
    *literal = unicode::utf8_decode(str(pattern, "String", where));
    return nullptr;
  }
  fail(where, "expected {\"String\": ...} or {\"Regex\": ...}");
}

}  // namespace clipfind
