// One value per reason a credential, presentation or linked domain is refused,
// each with a stable code (used in callbacks, the wallet's one-line reasons and
// tests). The Request Service maps them to callback errors in one place.
#pragma once

#include <string>
#include <string_view>

#include "common/base/result.h"

namespace vc::credentials {

enum class VerifyError {
  kMalformedToken,          // not a compact JWS, or its payload is not a JSON object
  kUnresolvableDid,         // the DID in kid/iss could not be resolved
  kUnknownKey,              // the DID document has no method named by kid
  kKidNotIssuer,            // the DID of kid is not the token's iss (or sub for id_token)
  kAlgNotAllowed,           // alg outside ES256/ES256K/EdDSA/RS256
  kInvalidSignature,        // the signature does not verify
  kMissingClaim,            // a claim the format requires is absent or mistyped
  kExpired,                 // exp passed
  kNotYetValid,             // nbf/iat in the future
  kBadIdTokenIssuer,        // id_token iss is not https://self-issued.me/v2/openid-vc
  kNonceMismatch,           // nonce differs from the request's
  kAudienceMismatch,        // aud differs from the request's client_id
  kMissingSubmission,       // no _vp_token.presentation_submission
  kHolderBinding,           // VP iss is not the VC sub, or not the id_token sub
  kTypeMismatch,            // no presented VC has the requested type
  kIssuerNotAccepted,       // the VC issuer is not in acceptedIssuers
  kConstraintFailed,        // a claim constraint does not hold
  kRevoked,                 // the status list marks the VC revoked (allowRevoked false)
  kStatusUnavailable,       // the status list could not be fetched or verified
  kLinkedDomainUnverified,  // validateLinkedDomain asked and the domain did not verify
};

std::string_view Code(VerifyError e);
common::Error MakeVerifyError(VerifyError e, std::string message);

}  // namespace vc::credentials
