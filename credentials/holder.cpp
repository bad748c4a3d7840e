#include "credentials/holder.h"

#include "common/base/base64url.h"
#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/jose/jws.h"
#include "credentials/vc_json.h"
#include "keys/did.h"

namespace vc::credentials {
using common::JsonWriter;
using common::Result;

namespace {

constexpr int64_t kLifetime = 3600;

void Times(JsonWriter& w, int64_t iat) {
  w.Member("iat", iat);
  w.Member("exp", iat + kLifetime);
}

void WriteSubmission(JsonWriter& w, const PresentationAnswer& a) {
  w->Key("_vp_token");
  w->StartObject();
  w->Key("presentation_submission");
  w->StartObject();
  w.Member("id", common::RandomId());
  w.Member("definition_id", a.definition_id);
  w->Key("descriptor_map");
  w->StartArray();
  for (size_t i = 0; i < a.descriptor_ids.size(); ++i) {
    w->StartObject();
    w.Member("id", a.descriptor_ids[i]);
    w.Member("format", "jwt_vp");
    w.Member("path", "$");
    w->Key("path_nested");
    w->StartObject();
    w.Member("id", a.descriptor_ids[i]);
    w.Member("format", "jwt_vc");
    w.Member("path", "$.verifiableCredential[" + std::to_string(i) + "]");
    w->EndObject();
    w->EndObject();
  }
  w->EndArray();
  w->EndObject();
  w->EndObject();
}

}  // namespace

Holder Holder::FromKey(common::Jwk key, common::JwsAlg alg) {
  Holder h{std::move(key), alg, "", ""};
  h.did = keys::DidJwkFromKey(h.key);
  h.kid = h.did + "#0";
  return h;
}

std::string PinHash(const std::string& salt, const std::string& pin) {
  return common::Base64Encode(common::Sha256(salt + pin));
}

Result<std::string> MakeIssuanceProof(const Holder& holder, const IssuanceProof& proof) {
  const std::string jwk = holder.key.PublicOnly().ToPublicJson();
  JsonWriter w;
  w->StartObject();
  w.Member("sub", holder.key.Thumbprint());
  w.Member("aud", proof.credential_issuer);
  w->Key("sub_jwk");
  w->RawValue(jwk.data(), jwk.size(), rapidjson::kObjectType);
  Times(w, proof.iat);
  w.Member("jti", common::RandomId());
  w.Member("iss", "https://self-issued.me");
  if (!proof.pin_hash.empty()) {
    w.Member("pin", proof.pin_hash);
  }
  w.Member("contract", proof.contract);
  w->Key("attestations");
  w->StartObject();
  w->Key("idTokens");
  w->StartObject();
  w.Member("https://self-issued.me", proof.id_token_hint);
  w->EndObject();
  w->EndObject();
  w.Member("did", holder.did);
  w->EndObject();
  return common::SignCompact(holder.key, holder.alg, w.str(), {"JWT", holder.kid, ""});
}

Result<std::string> MakeSiopIdToken(const Holder& holder, const PresentationAnswer& a) {
  JsonWriter w;
  w->StartObject();
  w.Member("iss", "https://self-issued.me/v2/openid-vc");
  w.Member("sub", holder.did);
  w.Member("aud", a.client_id);
  w.Member("nonce", a.nonce);
  Times(w, a.iat);
  w.Member("jti", common::RandomId());
  WriteSubmission(w, a);
  w->EndObject();
  return common::SignCompact(holder.key, holder.alg, w.str(), {"JWT", holder.kid, ""});
}

Result<std::string> MakeVpJwt(const Holder& holder, const PresentationAnswer& a) {
  JsonWriter w;
  w->StartObject();
  w.Member("iss", holder.did);
  w.Member("aud", a.client_id);
  w.Member("nonce", a.nonce);
  Times(w, a.iat);
  w.Member("nbf", a.iat);
  w.Member("jti", common::RandomId());
  w->Key("vp");
  w->StartObject();
  WriteContext(w);
  WriteTypes(w, {"VerifiablePresentation"});
  w->Key("verifiableCredential");
  w->StartArray();
  for (const auto& vc : a.vcs) w.String(vc);
  w->EndArray();
  w->EndObject();
  w->EndObject();
  return common::SignCompact(holder.key, holder.alg, w.str(), {"JWT", holder.kid, ""});
}

}  // namespace vc::credentials
