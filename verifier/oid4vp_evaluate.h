// What an OpenID4VP vp_token (OpenID4VP 1.0 §8.1, §8.6) proves for one of our
// requests: for each dc+sd-jwt credential of the policy, exactly one
// presentation under its DCQL query id, and for each presentation, in order —
// the issuer is one the policy accepts (checked before anything is fetched),
// the SD-JWT verifies with that issuer's key (jwt-vc-issuer metadata or DID),
// every disclosure is referenced by _sd, the Key Binding JWT verifies with
// cnf.jwk and binds it to us (aud = our client_id, our nonce, iat fresh,
// sd_hash), exp not passed, vct accepted, every requested claim disclosed,
// and its Token Status List entry VALID. All presentations must be bound to
// one holder key.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/result.h"
#include "credentials/sd_jwt_vc_issuer.h"
#include "credentials/token_status_fetch.h"
#include "verifier/oid4vp_error.h"
#include "verifier/policy.h"

namespace vc::verifier {

struct Oid4vpContext {
  std::string client_id;  // the full client identifier, prefix included
  std::string nonce;      // the request's
  int64_t now = 0;
  int64_t key_binding_max_age_seconds = 300;
  int64_t skew_seconds = 60;
  credentials::SdJwtIssuerKeys& issuer_keys;
  credentials::TokenStatusFetcher& status;
};

// The result JSON on success: {subject: the holder key as a JWK thumbprint URI
// (RFC 9278), credentials: [{id, format: "dc+sd-jwt", types: [vct], vct, issuer,
// claims, revocationStatus: "VALID", domainValidation: null, issuanceDate,
// expirationDate}]} where claims (by name) are the claims the holder disclosed (and any
// the issuer left visible), without the SD-JWT VC's own (iss, iat, nbf, exp,
// cnf, vct, vct#integrity, status). The first failure otherwise.
common::Result<std::string, Oid4vpFailure> EvaluateVpToken(std::string_view vp_token,
                                                           const Policy& policy,
                                                           const Oid4vpContext& ctx);

}  // namespace vc::verifier
