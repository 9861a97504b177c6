// Shared by the suites that read generated fixtures: a minimal JSON reader for their
// manifest.json, and the fixture directory (H5MEM_FIXTURES) and file helpers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

namespace h5t_fixture {

using Bytes = std::vector<std::byte>;

struct Json {
  enum class Kind { null, boolean, number, string, array, object } kind = Kind::null;
  bool boolean = false;
  std::string text;  // string value, or the number's literal
  std::vector<Json> items;
  std::vector<std::pair<std::string, Json>> fields;

  const Json* find(std::string_view key) const {
    for (const auto& [k, v] : fields) {
      if (k == key) return &v;
    }
    return nullptr;
  }
  const Json& operator[](std::string_view key) const {
    const Json* v = find(key);
    if (v == nullptr) throw std::runtime_error("manifest: missing key " + std::string(key));
    return *v;
  }
  bool is_null() const { return kind == Kind::null; }
  std::int64_t i64() const { return std::stoll(text); }
  std::uint64_t u64() const { return std::stoull(text); }
  const std::string& str() const { return text; }
};

class JsonParser {
 public:
  explicit JsonParser(std::string_view s) : s_(s) {}
  Json parse() {
    Json v = value();
    space();
    if (p_ != s_.size()) error("trailing characters");
    return v;
  }

 private:
  [[noreturn]] void error(const std::string& what) {
    throw std::runtime_error("manifest JSON at " + std::to_string(p_) + ": " + what);
  }
  void space() {
    while (p_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[p_]))) ++p_;
  }
  char peek() {
    space();
    if (p_ >= s_.size()) error("unexpected end");
    return s_[p_];
  }
  void expect(char c) {
    if (peek() != c) error(std::string("expected ") + c);
    ++p_;
  }
  bool literal(std::string_view word) {
    if (s_.substr(p_, word.size()) != word) return false;
    p_ += word.size();
    return true;
  }
  static void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  std::uint32_t hex4() {
    if (p_ + 4 > s_.size()) error("short \\u escape");
    std::uint32_t v = std::stoul(std::string(s_.substr(p_, 4)), nullptr, 16);
    p_ += 4;
    return v;
  }
  std::string string() {
    expect('"');
    std::string out;
    while (true) {
      if (p_ >= s_.size()) error("unterminated string");
      char c = s_[p_++];
      if (c == '"') return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      char e = s_[p_++];
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'u': {
          std::uint32_t cp = hex4();
          if (cp >= 0xD800 && cp < 0xDC00 && literal("\\u"))
            cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4() - 0xDC00);
          append_utf8(out, cp);
          break;
        }
        default:
          out += e;
          break;
      }
    }
  }
  Json value() {
    Json v;
    char c = peek();
    if (c == '{') {
      v.kind = Json::Kind::object;
      ++p_;
      if (peek() == '}') return ++p_, v;
      while (true) {
        std::string key = string();
        expect(':');
        v.fields.emplace_back(std::move(key), value());
        if (peek() == ',') {
          ++p_;
          continue;
        }
        expect('}');
        return v;
      }
    }
    if (c == '[') {
      v.kind = Json::Kind::array;
      ++p_;
      if (peek() == ']') return ++p_, v;
      while (true) {
        v.items.push_back(value());
        if (peek() == ',') {
          ++p_;
          continue;
        }
        expect(']');
        return v;
      }
    }
    if (c == '"') {
      v.kind = Json::Kind::string;
      v.text = string();
      return v;
    }
    if (literal("null")) return v;
    if (literal("true") || literal("false")) {
      v.kind = Json::Kind::boolean;
      v.boolean = s_[p_ - 1] == 'e' && s_[p_ - 2] == 'u';
      return v;
    }
    v.kind = Json::Kind::number;
    const std::size_t start = p_;
    while (p_ < s_.size() && std::strchr("+-0123456789.eE", s_[p_]) != nullptr) ++p_;
    if (start == p_) error("unexpected character");
    v.text = std::string(s_.substr(start, p_ - start));
    return v;
  }

  std::string_view s_;
  std::size_t p_ = 0;
};

// ---- fixtures ------------------------------------------------------------------------------

inline std::string fixture_dir() {
  const char* dir = std::getenv("H5MEM_FIXTURES");
  REQUIRE_MESSAGE(dir != nullptr, "H5MEM_FIXTURES is not set (run through meson test)");
  return dir;
}

inline Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path);
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Bytes out(chars.size());
  std::memcpy(out.data(), chars.data(), chars.size());
  return out;
}

inline const Json& manifest() {
  static const Json m = [] {
    Bytes b = read_file(fixture_dir() + "/manifest.json");
    return JsonParser(std::string_view(reinterpret_cast<const char*>(b.data()), b.size())).parse();
  }();
  return m;
}

inline std::string hex(std::span<const std::byte> b) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (std::byte x : b) {
    s += digits[static_cast<unsigned>(x) >> 4];
    s += digits[static_cast<unsigned>(x) & 15];
  }
  return s;
}

}  // namespace h5t_fixture
