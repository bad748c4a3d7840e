// did:web documents: writing ours (Entra's shape, spec §8.2) and reading any.
#include <algorithm>

#include "common/base/json.h"
#include "keys/did.h"

namespace vc::keys {
using common::Error;
using common::JsonWriter;
using common::Jwk;
using common::Result;

namespace {

void WriteMethod(JsonWriter& w, const std::string& did, const StoredKey& k) {
  const std::string pub = k.key.PublicOnly().ToPublicJson();
  w->StartObject();
  w.Member("id", "#" + k.key.kid());
  w.Member("controller", did);
  w.Member("type", "JsonWebKey2020");
  w->Key("publicKeyJwk");
  w->RawValue(pub.data(), pub.size(), rapidjson::kObjectType);
  w->EndObject();
}

std::string JoinId(const std::string& base, std::string_view id) {
  if (!id.empty() && id.front() == '#') return base + std::string(id);
  return std::string(id);
}

}  // namespace

std::string DidWebDocument(const std::string& did, const std::vector<StoredKey>& keys,
                           const std::vector<std::string>& origins) {
  JsonWriter w;
  w->StartObject();
  w.Member("id", did);
  w->Key("@context");
  w->StartArray();
  w->String("https://www.w3.org/ns/did/v1");
  w->StartObject();
  w.Member("@base", did);
  w->EndObject();
  w->EndArray();
  if (!origins.empty()) {
    w->Key("service");
    w->StartArray();
    w->StartObject();
    w.Member("id", "#linkeddomains");
    w.Member("type", "LinkedDomains");
    w->Key("serviceEndpoint");
    w->StartObject();
    w->Key("origins");
    w->StartArray();
    for (const auto& o : origins) w.String(o);
    w->EndArray();
    w->EndObject();
    w->EndObject();
    w->EndArray();
  }
  w->Key("verificationMethod");
  w->StartArray();
  for (const auto& k : keys) WriteMethod(w, did, k);
  w->EndArray();
  for (const char* rel : {"authentication", "assertionMethod"}) {
    w->Key(rel);
    w->StartArray();
    for (const auto& k : keys) w.String("#" + k.key.kid());
    w->EndArray();
  }
  w->EndObject();
  return w.str();
}

Result<ResolvedDid> ParseDidDocument(std::string_view did, std::string_view document_json) {
  auto doc = common::ParseJsonObject(document_json, {256 * 1024, 16});
  if (!doc) return Error{"invalid_did", "DID document: " + doc.error().message};
  const auto id = common::GetString(*doc, "id");
  if (!id || *id != did) return Error{"invalid_did", "DID document id does not match the DID"};
  // Relative method ids ("#key") resolve against "@base" when present, else the DID.
  std::string base(did);
  if (const auto* ctx = common::GetArray(*doc, "@context")) {
    for (const auto& c : ctx->GetArray()) {
      if (auto b = common::GetString(c, "@base")) base = std::string(*b);
    }
  }
  ResolvedDid out;
  out.did = std::string(did);
  out.document_json = std::string(document_json);
  const auto* methods = common::GetArray(*doc, "verificationMethod");
  if (!methods) return Error{"invalid_did", "DID document has no verificationMethod"};
  for (const auto& m : methods->GetArray()) {
    const auto mid = common::GetString(m, "id");
    const auto* jwk = common::GetObject(m, "publicKeyJwk");
    if (!mid || !jwk) continue;  // other key formats are not ours to use
    auto key = Jwk::FromJson(*jwk);
    if (!key) continue;
    out.methods.emplace_back(JoinId(base, *mid), *key);
  }
  if (out.methods.empty()) return Error{"invalid_did", "DID document has no usable JWK method"};
  return out;
}

}  // namespace vc::keys
