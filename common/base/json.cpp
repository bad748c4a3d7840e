#include "common/base/json.h"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <cmath>
#include <vector>

#include "common/base/text.h"

namespace vc::common {
namespace {

using rapidjson::Document;
using rapidjson::SizeType;

// Sits between the Reader and the Document: counts depth and refuses duplicate
// keys, which RapidJSON would otherwise accept (last one wins for a lookup,
// first one for another library: a classic JOSE header confusion).
class GuardedHandler {
 public:
  GuardedHandler(Document& doc, unsigned max_depth) : doc_(doc), max_depth_(max_depth) {}

  bool Null() { return doc_.Null(); }
  bool Bool(bool b) { return doc_.Bool(b); }
  bool Int(int i) { return doc_.Int(i); }
  bool Uint(unsigned u) { return doc_.Uint(u); }
  bool Int64(int64_t i) { return doc_.Int64(i); }
  bool Uint64(uint64_t u) { return doc_.Uint64(u); }
  // RapidJSON 1.1.0 reads some out-of-range numbers ("1600000000001000000.4e300")
  // as infinity instead of refusing them; infinity has no JSON form, so the
  // value would not survive a write (found by fuzz/json_fuzz.cpp).
  bool Double(double d) {
    if (std::isfinite(d)) return doc_.Double(d);
    out_of_range_ = true;
    return false;
  }
  bool RawNumber(const char* s, SizeType n, bool copy) { return doc_.RawNumber(s, n, copy); }
  // RapidJSON 1.1.0 validates the input bytes but decodes a lone low-surrogate
  // escape ("\udc00") into invalid UTF-8 bytes; such strings are refused here
  // (found by fuzz/json_fuzz.cpp: they would not survive a write and re-parse).
  bool String(const char* s, SizeType n, bool copy) {
    return CheckText(s, n) && doc_.String(s, n, copy);
  }
  bool StartObject() {
    if (!Enter()) return false;
    keys_.emplace_back();
    return doc_.StartObject();
  }
  bool Key(const char* s, SizeType n, bool copy) {
    if (!CheckText(s, n)) return false;
    auto& seen = keys_.back();
    std::string_view key(s, n);
    for (const auto& k : seen) {
      if (k == key) {
        duplicate_ = std::string(key);
        return false;
      }
    }
    seen.emplace_back(key);
    return doc_.Key(s, n, copy);
  }
  bool EndObject(SizeType n) {
    --depth_;
    keys_.pop_back();
    return doc_.EndObject(n);
  }
  bool StartArray() { return Enter() && doc_.StartArray(); }
  bool EndArray(SizeType n) {
    --depth_;
    return doc_.EndArray(n);
  }

  bool too_deep() const { return too_deep_; }
  const std::string& duplicate() const { return duplicate_; }
  bool bad_escape() const { return bad_escape_; }
  bool out_of_range() const { return out_of_range_; }

 private:
  bool CheckText(const char* s, SizeType n) {
    if (IsValidUtf8(std::string_view(s, n))) return true;
    bad_escape_ = true;
    return false;
  }
  bool Enter() {
    if (++depth_ > max_depth_) {
      too_deep_ = true;
      return false;
    }
    return true;
  }

  Document& doc_;
  unsigned max_depth_;
  unsigned depth_ = 0;
  bool too_deep_ = false;
  bool bad_escape_ = false;
  bool out_of_range_ = false;
  std::string duplicate_;
  std::vector<std::vector<std::string>> keys_;
};

// Not kParseFullPrecisionFlag: in RapidJSON 1.1.0 that path calls
// __builtin_clzll(0) (undefined) for inputs such as "0e90" (found by
// fuzz/json_fuzz.cpp). The default path may read numbers of more than 17
// significant digits one ULP off, which no field of ours depends on.
constexpr unsigned kParseFlags =
    rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag;

}  // namespace

Result<Document> ParseJson(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return Error{"invalid_json", "JSON document of " + std::to_string(text.size()) +
                                     " bytes exceeds the limit of " +
                                     std::to_string(limits.max_bytes)};
  }
  Document doc;
  GuardedHandler handler(doc, limits.max_depth);
  rapidjson::Reader reader;
  rapidjson::MemoryStream ms(text.data(), text.size());
  rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> is(ms);
  rapidjson::ParseResult pr;
  // Drive the reader into the document's own SAX handler, through our guard.
  struct Generator {
    rapidjson::Reader& reader;
    decltype(is)& stream;
    GuardedHandler& handler;
    rapidjson::ParseResult& result;
    bool operator()(Document&) {
      result = reader.Parse<kParseFlags>(stream, handler);
      return static_cast<bool>(result);
    }
  } gen{reader, is, handler, pr};
  doc.Populate(gen);
  if (!pr) {
    std::string why;
    if (handler.too_deep()) {
      why = "nesting deeper than " + std::to_string(limits.max_depth) + " levels";
    } else if (!handler.duplicate().empty()) {
      why = "duplicate key \"" + handler.duplicate() + "\"";
    } else if (handler.bad_escape()) {
      why = "a \\u escape that is not a Unicode scalar value (lone surrogate)";
    } else if (handler.out_of_range()) {
      why = "a number too large for a double";
    } else {
      why = rapidjson::GetParseError_En(pr.Code());
    }
    return Error{"invalid_json", why + " at offset " + std::to_string(pr.Offset())};
  }
  return doc;
}

Result<Document> ParseJsonObject(std::string_view text, const JsonLimits& limits) {
  auto doc = ParseJson(text, limits);
  if (!doc) return doc;
  if (!doc->IsObject()) return Error{"invalid_json", "expected a JSON object"};
  return doc;
}

std::string ToJson(const rapidjson::Value& value) {
  JsonWriter w;
  value.Accept(*w);
  return w.str();
}

std::optional<std::string_view> GetString(const rapidjson::Value& obj, const char* key) {
  if (!obj.IsObject()) return std::nullopt;
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsString()) return std::nullopt;
  return std::string_view(it->value.GetString(), it->value.GetStringLength());
}

std::optional<int64_t> GetInt64(const rapidjson::Value& obj, const char* key) {
  if (!obj.IsObject()) return std::nullopt;
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsInt64()) return std::nullopt;
  return it->value.GetInt64();
}

std::optional<bool> GetBool(const rapidjson::Value& obj, const char* key) {
  if (!obj.IsObject()) return std::nullopt;
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsBool()) return std::nullopt;
  return it->value.GetBool();
}

const rapidjson::Value* GetObject(const rapidjson::Value& obj, const char* key) {
  if (!obj.IsObject()) return nullptr;
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsObject()) return nullptr;
  return &it->value;
}

const rapidjson::Value* GetArray(const rapidjson::Value& obj, const char* key) {
  if (!obj.IsObject()) return nullptr;
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsArray()) return nullptr;
  return &it->value;
}

std::optional<int64_t> GetNumericDate(const rapidjson::Value& obj, const char* key) {
  if (!obj.IsObject()) return std::nullopt;
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsNumber()) return std::nullopt;
  const auto& v = it->value;
  if (v.IsInt64()) return v.GetInt64();
  if (v.IsUint64()) return std::nullopt;  // beyond int64
  const double d = v.GetDouble();
  if (!std::isfinite(d) || d >= 9.2e18 || d <= -9.2e18) return std::nullopt;
  return static_cast<int64_t>(d);
}

}  // namespace vc::common
