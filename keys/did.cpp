#include "keys/did.h"

#include <algorithm>

#include "common/base/base64url.h"
#include "common/base/json.h"

namespace vc::keys {
using common::Error;
using common::JsonWriter;
using common::Jwk;
using common::Result;

namespace {

constexpr std::string_view kDidJwkPrefix = "did:jwk:";
constexpr std::string_view kDidWebPrefix = "did:web:";

void WriteRefList(JsonWriter& w, const char* name, const std::string& ref) {
  w->Key(name);
  w->StartArray();
  w.String(ref);
  w->EndArray();
}

std::string DidJwkDocument(const std::string& did, const std::string& jwk_json,
                           std::string_view use) {
  const std::string vm = did + "#0";
  JsonWriter w;
  w->StartObject();
  w->Key("@context");
  w->StartArray();
  w->String("https://www.w3.org/ns/did/v1");
  w->String("https://w3id.org/security/suites/jws-2020/v1");
  w->EndArray();
  w.Member("id", did);
  w->Key("verificationMethod");
  w->StartArray();
  w->StartObject();
  w.Member("id", vm);
  w.Member("type", "JsonWebKey2020");
  w.Member("controller", did);
  w->Key("publicKeyJwk");
  w->RawValue(jwk_json.data(), jwk_json.size(), rapidjson::kObjectType);
  w->EndObject();
  w->EndArray();
  if (use != "enc") {
    for (const char* rel :
         {"assertionMethod", "authentication", "capabilityInvocation", "capabilityDelegation"}) {
      WriteRefList(w, rel, vm);
    }
  }
  if (use != "sig") WriteRefList(w, "keyAgreement", vm);
  w->EndObject();
  return w.str();
}

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '[' || c == ']';
}

}  // namespace

std::string CanonicalPublicJwkJson(const Jwk& key) {
  // The thumbprint input (RFC 7638) is exactly this canonical form; rebuild it
  // from the public JSON so it stays in one place in jwk.cpp's export.
  auto doc = common::ParseJsonObject(key.PublicOnly().ToPublicJson());
  std::vector<std::pair<std::string, std::string>> members;
  for (const auto& m : doc->GetObject()) {
    std::string name(m.name.GetString(), m.name.GetStringLength());
    if (name == "kid" || name == "alg" || name == "use" || name == "key_ops") continue;
    if (!m.value.IsString()) continue;
    members.emplace_back(name, std::string(m.value.GetString(), m.value.GetStringLength()));
  }
  std::sort(members.begin(), members.end());
  JsonWriter w;
  w->StartObject();
  for (const auto& [k, v] : members) {
    w->Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v);
  }
  w->EndObject();
  return w.str();
}

std::string DidJwkFromKey(const Jwk& key) {
  return std::string(kDidJwkPrefix) + common::Base64UrlEncode(CanonicalPublicJwkJson(key));
}

Result<ResolvedDid> ResolveDidJwk(std::string_view did) {
  if (did.substr(0, kDidJwkPrefix.size()) != kDidJwkPrefix) {
    return Error{"invalid_did", "not a did:jwk"};
  }
  std::string_view encoded = did.substr(kDidJwkPrefix.size());
  if (const auto hash = encoded.find('#'); hash != std::string_view::npos) {
    encoded = encoded.substr(0, hash);
  }
  auto json = common::Base64UrlDecode(encoded);
  if (!json) return Error{"invalid_did", "did:jwk: the key is not base64url"};
  auto doc = common::ParseJsonObject(*json, {4096, 4});
  if (!doc) return Error{"invalid_did", "did:jwk: the key is not a JSON object"};
  if (common::GetString(*doc, "d")) {
    return Error{"invalid_did", "did:jwk: the key contains private material"};
  }
  const std::string use(common::GetString(*doc, "use").value_or(""));
  const std::string plain_did(did.substr(0, kDidJwkPrefix.size() + encoded.size()));
  ResolvedDid out;
  out.did = plain_did;
  out.document_json = DidJwkDocument(plain_did, common::ToJson(*doc), use);
  // X25519 and other key-agreement keys resolve, but have no signing method.
  if (use != "enc") {
    auto key = Jwk::FromJson(*doc);
    if (!key) return Error{"invalid_did", "did:jwk: " + key.error().message};
    out.methods.emplace_back(plain_did + "#0", *key);
  }
  return out;
}

Result<std::string> DidWebDocumentUrl(std::string_view did, std::string_view scheme) {
  if (did.substr(0, kDidWebPrefix.size()) != kDidWebPrefix) {
    return Error{"invalid_did", "not a did:web"};
  }
  std::string_view id = did.substr(kDidWebPrefix.size());
  if (const auto hash = id.find('#'); hash != std::string_view::npos) id = id.substr(0, hash);
  if (id.empty()) return Error{"invalid_did", "did:web has no host"};
  std::string url(scheme);
  url += "://";
  const auto first = id.find(':');
  std::string_view host = id.substr(0, first);
  for (size_t i = 0; i < host.size(); ++i) {
    if (host.substr(i, 3) == "%3A" || host.substr(i, 3) == "%3a") {
      url += ':';
      i += 2;
    } else if (IsHostChar(host[i])) {
      url += host[i];
    } else {
      return Error{"invalid_did", "did:web host has an invalid character"};
    }
  }
  if (first == std::string_view::npos) return url + "/.well-known/did.json";
  std::string_view path = id.substr(first + 1);
  for (char c : path) {
    if (c == '/' || c == '\\' || c == '?' || c == '#' || c == '.') {
      if (c == '.') continue;  // dots are fine inside segments; ".." alone is refused below
      return Error{"invalid_did", "did:web path has an invalid character"};
    }
  }
  size_t pos = 0;
  while (pos <= path.size()) {
    const auto next = path.find(':', pos);
    std::string_view seg = path.substr(pos, next == std::string_view::npos ? next : next - pos);
    if (seg.empty() || seg == "." || seg == "..") return Error{"invalid_did", "bad did:web path"};
    url += '/';
    url += seg;
    if (next == std::string_view::npos) break;
    pos = next + 1;
  }
  return url + "/did.json";
}

}  // namespace vc::keys
