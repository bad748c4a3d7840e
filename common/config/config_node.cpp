#include "common/config/config_node.h"

#include <algorithm>

#include "common/base/json.h"

namespace vc::common {
namespace {

const char* TypeName(const rapidjson::Value& v) {
  if (v.IsObject()) return "an object";
  if (v.IsArray()) return "an array";
  if (v.IsString()) return "a string";
  if (v.IsBool()) return "a boolean";
  if (v.IsNumber()) return "a number";
  return "null";
}

// Keys that read unambiguously after a '.'; others are written as ["…"].
bool IsPlainKey(std::string_view key) {
  if (key.empty()) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

const rapidjson::Value& EmptyObject() {
  static const rapidjson::Value empty(rapidjson::kObjectType);
  return empty;
}

}  // namespace

ConfigNode::ConfigNode() : value_(&EmptyObject()), path_("$") {}

ConfigNode::ConfigNode(std::shared_ptr<const rapidjson::Document> doc, std::string path)
    : doc_(std::move(doc)), value_(doc_.get()), path_(std::move(path)) {}

ConfigNode ConfigNode::FromJson(std::string_view json, std::string path) {
  Result<rapidjson::Document> doc = ParseJsonObject(json);
  if (!doc.ok()) throw ConfigError(path, "must be a JSON object: " + doc.error().message);
  std::shared_ptr<const rapidjson::Document> owned =
      std::make_shared<rapidjson::Document>(std::move(*doc));
  return ConfigNode(std::move(owned), std::move(path));
}

// Found by fuzz/config_fuzz.cpp: an unknown key "" at the top gave the empty
// path, and keys with dots, quotes or control characters gave misleading ones.
std::string ConfigNode::Child(std::string_view key) const {
  if (!IsPlainKey(key)) {
    JsonWriter quoted;
    quoted.String(key);
    return path_ + "[" + quoted.str() + "]";
  }
  if (path_ == "$") return std::string(key);
  return path_ + "." + std::string(key);
}

void ConfigNode::Fail(const std::string& reason) const { throw ConfigError(path_, reason); }

void ConfigNode::FailAt(std::string_view key, const std::string& reason) const {
  throw ConfigError(Child(key), reason);
}

void ConfigNode::RequireObject() const {
  if (!value_->IsObject()) Fail(std::string("must be an object, not ") + TypeName(*value_));
}

void ConfigNode::AllowOnly(std::initializer_list<std::string_view> keys) const {
  RequireObject();
  for (const auto& member : value_->GetObject()) {
    std::string_view name(member.name.GetString(), member.name.GetStringLength());
    if (std::find(keys.begin(), keys.end(), name) == keys.end()) FailAt(name, "unknown key");
  }
}

const rapidjson::Value* ConfigNode::Member(const char* key) const {
  RequireObject();
  auto it = value_->FindMember(key);
  if (it == value_->MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

bool ConfigNode::Has(const char* key) const { return Member(key) != nullptr; }

bool ConfigNode::String(const char* key, std::string* out) const {
  const rapidjson::Value* v = Member(key);
  if (v == nullptr) return false;
  if (!v->IsString()) FailAt(key, std::string("must be a string, not ") + TypeName(*v));
  out->assign(v->GetString(), v->GetStringLength());
  return true;
}

bool ConfigNode::NonEmptyString(const char* key, std::string* out) const {
  if (!String(key, out)) return false;
  if (out->empty()) FailAt(key, "must not be empty");
  return true;
}

bool ConfigNode::Int(const char* key, int64_t min, int64_t max, int64_t* out) const {
  const rapidjson::Value* v = Member(key);
  if (v == nullptr) return false;
  if (!v->IsInt64()) FailAt(key, std::string("must be an integer, not ") + TypeName(*v));
  const int64_t n = v->GetInt64();
  if (n < min || n > max) {
    FailAt(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  *out = n;
  return true;
}

bool ConfigNode::Bool(const char* key, bool* out) const {
  const rapidjson::Value* v = Member(key);
  if (v == nullptr) return false;
  if (!v->IsBool()) FailAt(key, std::string("must be a boolean, not ") + TypeName(*v));
  *out = v->GetBool();
  return true;
}

bool ConfigNode::Strings(const char* key, std::vector<std::string>* out) const {
  const rapidjson::Value* v = Member(key);
  if (v == nullptr) return false;
  if (!v->IsArray()) FailAt(key, std::string("must be an array of strings, not ") + TypeName(*v));
  out->clear();
  for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
    const rapidjson::Value& item = (*v)[i];
    const std::string path = Child(key) + "[" + std::to_string(i) + "]";
    if (!item.IsString()) throw ConfigError(path, "must be a string");
    if (item.GetStringLength() == 0) throw ConfigError(path, "must not be empty");
    out->emplace_back(item.GetString(), item.GetStringLength());
  }
  return true;
}

bool ConfigNode::Secret(const char* key, const ConfigContext& ctx, std::string* out) const {
  std::string value;
  if (!NonEmptyString(key, &value)) return false;
  *out = ResolveSecret(value, ctx, Child(key));
  return true;
}

std::optional<ConfigNode> ConfigNode::Object(const char* key) const {
  const rapidjson::Value* v = Member(key);
  if (v == nullptr) return std::nullopt;
  ConfigNode child(*this, *v, Child(key));
  child.RequireObject();
  return child;
}

std::vector<ConfigNode> ConfigNode::Array(const char* key) const {
  std::vector<ConfigNode> items;
  const rapidjson::Value* v = Member(key);
  if (v == nullptr) return items;
  if (!v->IsArray()) FailAt(key, std::string("must be an array, not ") + TypeName(*v));
  for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
    items.push_back(ConfigNode(*this, (*v)[i], Child(key) + "[" + std::to_string(i) + "]"));
  }
  return items;
}

std::vector<std::pair<std::string, ConfigNode>> ConfigNode::Members() const {
  RequireObject();
  std::vector<std::pair<std::string, ConfigNode>> members;
  for (const auto& member : value_->GetObject()) {
    std::string name(member.name.GetString(), member.name.GetStringLength());
    ConfigNode child(*this, member.value, Child(name));
    members.emplace_back(std::move(name), std::move(child));
  }
  return members;
}

std::string ConfigNode::Raw() const { return ToJson(*value_); }

}  // namespace vc::common
