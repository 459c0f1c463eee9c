#include "tokenizer/decoders.hpp"

#include "tokenizer/byte_level.hpp"
#include "unicode/unicode.hpp"

namespace clipfind {

using json = nlohmann::json;

namespace {

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  if (from.empty()) return s;
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  return s;
}

std::string lossy(const std::string& bytes) { return unicode::utf8_encode(unicode::utf8_decode(bytes)); }

}  // namespace

Decoder make_decoder(const json& j, const std::string& where) {
  using namespace jsonutil;
  if (j.is_null()) return [](std::vector<std::string> t) { return t; };
  const std::string type = str(j, "type", where);
  if (type == "ByteLevel") {
    return [](std::vector<std::string> tokens) {
      std::string bytes;
      for (auto& t : tokens)
        for (char32_t c : unicode::utf8_decode(t)) {
          const int b = byte_level::char_to_byte(c);
          if (b >= 0) bytes.push_back(char(b));
          else unicode::utf8_append(bytes, c);
        }
      return std::vector<std::string>{lossy(bytes)};
    };
  }
  if (type == "Metaspace") {
    const std::string rep = opt_str(j, "replacement", "\xE2\x96\x81");
    const std::string scheme = opt_str(j, "prepend_scheme", opt_bool(j, "add_prefix_space", true) ? "always" : "never");
    return [rep, scheme](std::vector<std::string> tokens) {
      for (size_t i = 0; i < tokens.size(); ++i) {
        tokens[i] = replace_all(tokens[i], rep, " ");
        if (i == 0 && scheme != "never" && !tokens[i].empty() && tokens[i][0] == ' ') tokens[i].erase(0, 1);
      }
      return tokens;
    };
  }
  if (type == "BPEDecoder") {
    const std::string suffix = opt_str(j, "suffix", "</w>");
    return [suffix](std::vector<std::string> tokens) {
      for (size_t i = 0; i < tokens.size(); ++i) tokens[i] = replace_all(tokens[i], suffix, i + 1 == tokens.size() ? "" : " ");
      return tokens;
    };
  }
  if (type == "ByteFallback") {
    return [](std::vector<std::string> tokens) {
      std::vector<std::string> out;
      std::string pending;
      auto flush = [&] {
        if (!pending.empty()) out.push_back(lossy(pending));
        pending.clear();
      };
      for (auto& t : tokens) {
        if (t.size() == 6 && t.compare(0, 3, "<0x") == 0 && t[5] == '>') {
          pending.push_back(char(std::stoi(t.substr(3, 2), nullptr, 16)));
        } else {
          flush();
          out.push_back(t);
        }
      }
      flush();
      return out;
    };
  }
  if (type == "Fuse") {
    return [](std::vector<std::string> tokens) {
      std::string all;
      for (auto& t : tokens) all += t;
      return std::vector<std::string>{all};
    };
  }
  if (type == "Strip") {
    const std::string content = opt_str(j, "content", " ");
    const int64_t start = j.value("start", 0), stop = j.value("stop", 0);
    return [content, start, stop](std::vector<std::string> tokens) {
      for (auto& t : tokens) {
        for (int64_t i = 0; i < start && t.compare(0, content.size(), content) == 0 && !content.empty(); ++i) t.erase(0, content.size());
        for (int64_t i = 0; i < stop && t.size() >= content.size() && !content.empty() && t.compare(t.size() - content.size(), content.size(), content) == 0; ++i)
          t.erase(t.size() - content.size());
      }
      return tokens;
    };
  }
  if (type == "Replace") {
    const json& pattern = field(j, "pattern", where);
    if (!pattern.contains("String")) fail(where + ".pattern", "only String patterns are supported in decoders");
    const std::string from = str(pattern, "String", where + ".pattern"), to = str(j, "content", where);
    return [from, to](std::vector<std::string> tokens) {
      for (auto& t : tokens) t = replace_all(t, from, to);
      return tokens;
    };
  }
  if (type == "Sequence") {
    std::vector<Decoder> items;
    const json& list = arr(j, "decoders", where);
    for (size_t i = 0; i < list.size(); ++i) items.push_back(make_decoder(list[i], where + ".decoders[" + std::to_string(i) + "]"));
    return [items](std::vector<std::string> tokens) {
      for (auto& d : items) tokens = d(std::move(tokens));
      return tokens;
    };
  }
  fail(where, "unsupported decoder type '" + type + "'");
}

}  // namespace clipfind
