// JSON in and out over RapidJSON. Untrusted JSON is parsed with limits (size,
// depth), UTF-8 validation and duplicate-key rejection; typed accessors check
// the type before reading, since an unchecked Get*() is undefined behaviour.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/base/result.h"

namespace vc::common {

struct JsonLimits {
  size_t max_bytes = 1 << 20;  // whole document
  unsigned max_depth = 32;     // nesting of objects and arrays
};

// Parses untrusted JSON. Error code "invalid_json"; the message says what was
// wrong and where (byte offset), e.g. "duplicate key \"alg\" at offset 17".
Result<rapidjson::Document> ParseJson(std::string_view text, const JsonLimits& limits = {});

// Same, but the top-level value must be an object.
Result<rapidjson::Document> ParseJsonObject(std::string_view text, const JsonLimits& limits = {});

// Serialises compactly (no whitespace).
std::string ToJson(const rapidjson::Value& value);

// Typed member access on an object; nullopt when absent or of another type.
std::optional<std::string_view> GetString(const rapidjson::Value& obj, const char* key);
std::optional<int64_t> GetInt64(const rapidjson::Value& obj, const char* key);
std::optional<bool> GetBool(const rapidjson::Value& obj, const char* key);
const rapidjson::Value* GetObject(const rapidjson::Value& obj, const char* key);
const rapidjson::Value* GetArray(const rapidjson::Value& obj, const char* key);

// A NumericDate (RFC 7519 §2): an integer, or a number with a fraction that is
// truncated. nullopt when absent, not a number, or out of the int64 range.
std::optional<int64_t> GetNumericDate(const rapidjson::Value& obj, const char* key);

// Shorthand for writing: rapidjson::Writer over a string buffer.
class JsonWriter {
 public:
  JsonWriter() : writer_(buffer_) {}
  rapidjson::Writer<rapidjson::StringBuffer>& operator*() { return writer_; }
  rapidjson::Writer<rapidjson::StringBuffer>* operator->() { return &writer_; }
  std::string str() const { return std::string(buffer_.GetString(), buffer_.GetSize()); }
  // Writes a string value (string_view, which rapidjson's own String() lacks).
  void String(std::string_view s) {
    writer_.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  }
  // One object member, key and value: Member("status", "ok"), Member("exp", exp).
  // A `const char*` value is a string (not a bool), as the caller means.
  void Member(std::string_view key, std::string_view value) {
    String(key);
    String(value);
  }
  void Member(std::string_view key, const char* value) { Member(key, std::string_view(value)); }
  void Member(std::string_view key, const std::string& value) {
    Member(key, std::string_view(value));
  }
  void Member(std::string_view key, bool value) {
    String(key);
    writer_.Bool(value);
  }
  void Member(std::string_view key, int value) { Member(key, static_cast<int64_t>(value)); }
  void Member(std::string_view key, int64_t value) {
    String(key);
    writer_.Int64(value);
  }
  void Member(std::string_view key, uint64_t value) {
    String(key);
    writer_.Uint64(value);
  }

 private:
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> writer_;
};

}  // namespace vc::common
