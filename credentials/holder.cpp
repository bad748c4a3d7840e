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
  w->Key("iat");
  w->Int64(iat);
  w->Key("exp");
  w->Int64(iat + kLifetime);
}

void WriteSubmission(JsonWriter& w, const PresentationAnswer& a) {
  w->Key("_vp_token");
  w->StartObject();
  w->Key("presentation_submission");
  w->StartObject();
  w->Key("id");
  w.String(common::RandomId());
  w->Key("definition_id");
  w.String(a.definition_id);
  w->Key("descriptor_map");
  w->StartArray();
  for (size_t i = 0; i < a.descriptor_ids.size(); ++i) {
    w->StartObject();
    w->Key("id");
    w.String(a.descriptor_ids[i]);
    w->Key("format");
    w->String("jwt_vp");
    w->Key("path");
    w->String("$");
    w->Key("path_nested");
    w->StartObject();
    w->Key("id");
    w.String(a.descriptor_ids[i]);
    w->Key("format");
    w->String("jwt_vc");
    w->Key("path");
    w.String("$.verifiableCredential[" + std::to_string(i) + "]");
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
  w->Key("sub");
  w.String(holder.key.Thumbprint());
  w->Key("aud");
  w.String(proof.credential_issuer);
  w->Key("sub_jwk");
  w->RawValue(jwk.data(), jwk.size(), rapidjson::kObjectType);
  Times(w, proof.iat);
  w->Key("jti");
  w.String(common::RandomId());
  w->Key("iss");
  w->String("https://self-issued.me");
  if (!proof.pin_hash.empty()) {
    w->Key("pin");
    w.String(proof.pin_hash);
  }
  w->Key("contract");
  w.String(proof.contract);
  w->Key("attestations");
  w->StartObject();
  w->Key("idTokens");
  w->StartObject();
  w->Key("https://self-issued.me");
  w.String(proof.id_token_hint);
  w->EndObject();
  w->EndObject();
  w->Key("did");
  w.String(holder.did);
  w->EndObject();
  return common::SignCompact(holder.key, holder.alg, w.str(), {"JWT", holder.kid, ""});
}

Result<std::string> MakeSiopIdToken(const Holder& holder, const PresentationAnswer& a) {
  JsonWriter w;
  w->StartObject();
  w->Key("iss");
  w->String("https://self-issued.me/v2/openid-vc");
  w->Key("sub");
  w.String(holder.did);
  w->Key("aud");
  w.String(a.client_id);
  w->Key("nonce");
  w.String(a.nonce);
  Times(w, a.iat);
  w->Key("jti");
  w.String(common::RandomId());
  WriteSubmission(w, a);
  w->EndObject();
  return common::SignCompact(holder.key, holder.alg, w.str(), {"JWT", holder.kid, ""});
}

Result<std::string> MakeVpJwt(const Holder& holder, const PresentationAnswer& a) {
  JsonWriter w;
  w->StartObject();
  w->Key("iss");
  w.String(holder.did);
  w->Key("aud");
  w.String(a.client_id);
  w->Key("nonce");
  w.String(a.nonce);
  Times(w, a.iat);
  w->Key("nbf");
  w->Int64(a.iat);
  w->Key("jti");
  w.String(common::RandomId());
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
