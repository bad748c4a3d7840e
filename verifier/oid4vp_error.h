// Why an OpenID4VP response was refused: one value per reason, each with the
// stable code recorded as the request's presentation_error (GET and webhook)
// in the one table of oid4vp_error.cpp. Where a reason is the same as one of
// the Entra path's (credentials/verify_error.h) the code is the same.
// The wallet is answered 400 {"error": "invalid_request", "error_description":
// "<code>: <message>"} (OAuth 2.0 §5.2) for all of them but kWalletError
// (its own error response, answered 200 as OpenID4VP 1.0 §8.2 asks).
#pragma once

#include <string_view>

#include "common/base/result.h"
#include "credentials/sd_jwt.h"

namespace vc::verifier {

enum class Oid4vpError {
  kMalformedResponse,       // "malformed_response": no vp_token, or not a JSON object of arrays
  kCredentialMissing,       // "credential_missing": a requested credential query is not answered
  kTooManyPresentations,    // "too_many_presentations": more than one for a query
  kIssuerNotAccepted,       // "issuer_not_accepted": iss is not one of the query's issuers
  kIssuerKeyUnavailable,    // "issuer_key_unavailable": no key (jwt-vc-issuer / DID) for kid
  kMalformedSdJwt,          // "malformed_sd_jwt"
  kInvalidSignature,        // "invalid_signature": the issuer-signed JWT does not verify
  kWrongType,               // "wrong_type": typ is not dc+sd-jwt
  kExpired,                 // "expired": exp has passed
  kInvalidClaims,           // "invalid_claims": nbf/iat in the future
  kUnsupportedSdAlg,        // "unsupported_sd_alg"
  kInvalidDisclosure,       // "invalid_disclosure": does not decode as a disclosure
  kDuplicateDigest,         // "duplicate_digest"
  kUnreferencedDisclosure,  // "unreferenced_disclosure": its digest is not in _sd (tampered)
  kClaimConflict,           // "claim_conflict"
  kKeyBindingRequired,      // "key_binding_required": no KB-JWT
  kInvalidKeyBinding,       // "invalid_key_binding": KB-JWT typ, signature by cnf.jwk, sd_hash
  kAudienceMismatch,        // "audience_mismatch": KB-JWT aud is not our client_id
  kNonceMismatch,           // "nonce_mismatch": KB-JWT nonce is not the request's
  kKeyBindingStale,         // "key_binding_stale": KB-JWT iat too old
  kHolderMismatch,          // "holder_mismatch": presentations bound to different keys
  kTypeMismatch,            // "type_mismatch": vct is not one of the accepted values
  kClaimNotDisclosed,       // "claim_not_disclosed": a requested claim is missing
  kRevoked,                 // "revoked": the Token Status List says INVALID
  kSuspended,               // "suspended": the Token Status List says SUSPENDED
  kStatusUnavailable,       // "status_unavailable": the status list could not be read
  kWalletError,             // "wallet_error": the wallet answered with an error response
  kPolicyUnreadable,        // "policy_unreadable": the stored policy does not parse
};

std::string_view Code(Oid4vpError e);
using Oid4vpFailure = common::Failure<Oid4vpError>;

// The reason an SD-JWT check failed, as ours (kInvalidClaims stays itself:
// the caller tells an expiry apart).
Oid4vpError FromSdJwt(credentials::SdJwtError e);

}  // namespace vc::verifier
