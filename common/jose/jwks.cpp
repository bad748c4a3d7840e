#include <utility>

#include "common/base/json.h"
#include "common/jose/jwk.h"

namespace vc::common {
namespace {

// A JWKS is fetched from a relying party; a few dozen keys at most.
constexpr JsonLimits kJwksLimits{1024 * 1024, 8};

}  // namespace

Result<Jwks> Jwks::FromJsonText(std::string_view text) {
  auto doc = ParseJsonObject(text, kJwksLimits);
  if (!doc) return MakeError("invalid_jwks", doc.error().message);
  const rapidjson::Value* keys = GetArray(*doc, "keys");
  if (keys == nullptr)
    return MakeError("invalid_jwks", "member \"keys\" is missing or not an array");
  Jwks set;
  for (const auto& entry : keys->GetArray()) {
    auto key = Jwk::FromJson(entry);
    if (key) {
      set.keys_.push_back(std::move(key).value());
    } else {
      ++set.skipped_;
    }
  }
  return set;
}

const Jwk* Jwks::FindByKid(std::string_view kid) const {
  for (const auto& key : keys_) {
    if (key.kid() == kid) return &key;
  }
  return nullptr;
}

std::string Jwks::ToPublicJson() const {
  JsonWriter w;
  w->StartObject();
  w->Key("keys");
  w->StartArray();
  for (const auto& key : keys_) {
    if (key.type() == KeyType::kOct) continue;  // never publish a shared secret
    const std::string json = key.ToPublicJson();
    w->RawValue(json.data(), json.size(), rapidjson::kObjectType);
  }
  w->EndArray();
  w->EndObject();
  return w.str();
}

}  // namespace vc::common
