// The key proof of an OpenID4VCI credential request (OpenID4VCI 1.0 Appendix
// F.1, proof type "jwt"): header typ "openid4vci-proof+jwt", an asymmetric
// alg, and the holder key either as "jwk" (public only) or as a did:jwk "kid";
// payload aud = the credential issuer, iat recent, nonce from our nonce
// endpoint. Whether the nonce is fresh is decided with the credential's
// transaction (oid4vci_store.h); here only that there is one.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/jose/jwk.h"
#include "issuer/oid4vci_error.h"

namespace vc::issuer {

struct ProofPolicy {
  std::string audience;  // the credential issuer identifier
  int64_t now = 0;
  int64_t max_age_seconds = 300;  // how old iat may be
  int64_t skew_seconds = 60;
};

struct VerifiedProof {
  common::Jwk holder_key;  // public
  common::JwsAlg alg = common::JwsAlg::kES256;
  std::string nonce;
};

// kInvalidProof naming what is wrong (typ, alg, key, signature, aud, iat), or
// kInvalidNonce when the proof carries no nonce.
Oid4vciResult<VerifiedProof> VerifyProofJwt(std::string_view jwt, const ProofPolicy& policy);

}  // namespace vc::issuer
