// The holder side of the wallet protocol (spec §7): a did:jwk key and the
// tokens a wallet signs — the issuance proof sent to credentialIssuer, the SIOP
// id_token and the VP JWT of a presentation response. Used by vcwallet and by
// tests that play the wallet.
#pragma once

#include <string>
#include <vector>

#include "common/base/result.h"
#include "common/jose/jwk.h"

namespace vc::credentials {

struct Holder {
  common::Jwk key;  // private
  common::JwsAlg alg = common::JwsAlg::kES256;
  std::string did;  // did:jwk:…
  std::string kid;  // did + "#0"

  static Holder FromKey(common::Jwk key, common::JwsAlg alg = common::JwsAlg::kES256);
};

// Base64(SHA-256(UTF-8(salt + pin))), the PIN proof of spec §2.3 / §7.5.
std::string PinHash(const std::string& salt, const std::string& pin);

struct IssuanceProof {
  std::string credential_issuer;  // aud
  std::string contract;           // manifest URL
  std::string id_token_hint;      // the request object's attestation
  std::string pin_hash;           // empty when no PIN was asked
  int64_t iat = 0;
};
// The JWS a wallet POSTs to credentialIssuer: iss https://self-issued.me,
// sub = JWK thumbprint, sub_jwk, did, attestations.idTokens, pin.
common::Result<std::string> MakeIssuanceProof(const Holder& holder, const IssuanceProof& proof);

struct PresentationAnswer {
  std::string client_id;  // the verifier DID (aud)
  std::string nonce;
  std::string definition_id;  // presentation_definition.id
  std::vector<std::string> descriptor_ids;
  std::vector<std::string> vcs;  // one VC-JWT per descriptor, in order
  int64_t iat = 0;
};
// The SIOP id_token (iss https://self-issued.me/v2/openid-vc, sub = holder DID,
// _vp_token.presentation_submission) and the VP JWT holding the VCs.
common::Result<std::string> MakeSiopIdToken(const Holder& holder, const PresentationAnswer& answer);
common::Result<std::string> MakeVpJwt(const Holder& holder, const PresentationAnswer& answer);

}  // namespace vc::credentials
