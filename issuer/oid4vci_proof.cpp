#include "issuer/oid4vci_proof.h"

#include "common/base/json.h"
#include "common/jose/jws.h"
#include "credentials/vc_jwt.h"
#include "keys/did.h"

namespace vc::issuer {

namespace {

Oid4vciFailure Bad(const std::string& why) {
  return {Oid4vciError::kInvalidProof, "the proof " + why};
}

// The holder key the header names: an embedded public "jwk", or a did:jwk kid.
Oid4vciResult<common::Jwk> HolderKey(const common::JwsToken& token) {
  const rapidjson::Value* jwk = common::GetObject(token.header, "jwk");
  const bool has_kid = !token.kid.empty();
  if ((jwk != nullptr) == has_kid || token.header.HasMember("x5c"))
    return Bad("header must name the key by exactly one of jwk or a did:jwk kid");
  if (jwk) {
    if (jwk->HasMember("d")) return Bad("header jwk holds a private key");
    auto key = common::Jwk::FromJson(*jwk);
    if (!key) return Bad("header jwk is not a usable key: " + key.error().message);
    return *key;
  }
  if (!token.kid.starts_with("did:jwk:")) return Bad("kid is not a did:jwk DID URL");
  const std::string did = token.kid.substr(0, token.kid.find('#'));
  auto resolved = keys::ResolveDidJwk(did);
  if (!resolved || resolved->methods.empty()) return Bad("kid does not resolve as did:jwk");
  return resolved->methods.front().second;
}

}  // namespace

Oid4vciResult<VerifiedProof> VerifyProofJwt(std::string_view jwt, const ProofPolicy& policy) {
  auto token = common::ParseCompact(jwt);
  if (!token) return Bad("is not a JWS: " + token.error().message);
  if (token->typ != "openid4vci-proof+jwt") return Bad("typ is not openid4vci-proof+jwt");
  auto key = HolderKey(*token);
  if (!key) return key.error();
  auto alg = common::VerifySignature(*token, *key, credentials::kCredentialAlgs);
  if (!alg) return Bad("signature does not verify with its key: " + alg.error().message);
  auto payload = common::ParseJsonObject(token->payload);
  if (!payload) return Bad("payload is not a JSON object");
  bool aud_ok = common::GetString(*payload, "aud").value_or("") == policy.audience;
  if (const auto* auds = common::GetArray(*payload, "aud")) {
    for (const auto& a : auds->GetArray()) {
      aud_ok = aud_ok || (a.IsString() && a.GetString() == policy.audience);
    }
  }
  if (!aud_ok) return Bad("aud is not this credential issuer (" + policy.audience + ")");
  const auto iat = common::GetNumericDate(*payload, "iat");
  if (!iat) return Bad("has no iat");
  if (*iat > policy.now + policy.skew_seconds) return Bad("iat is in the future");
  if (*iat < policy.now - policy.max_age_seconds - policy.skew_seconds)
    return Bad("iat is too old; sign a fresh proof");
  const auto nonce = common::GetString(*payload, "nonce");
  if (!nonce || nonce->empty())
    return Oid4vciFailure{Oid4vciError::kInvalidNonce,
                          "the proof carries no nonce; get one from the nonce endpoint"};
  return VerifiedProof{key->PublicOnly(), *alg, std::string(*nonce)};
}

}  // namespace vc::issuer
