#include "verifier/oid4vp_error.h"

namespace vc::verifier {

std::string_view Code(Oid4vpError e) {
  switch (e) {
    case Oid4vpError::kMalformedResponse:
      return "malformed_response";
    case Oid4vpError::kCredentialMissing:
      return "credential_missing";
    case Oid4vpError::kTooManyPresentations:
      return "too_many_presentations";
    case Oid4vpError::kIssuerNotAccepted:
      return "issuer_not_accepted";
    case Oid4vpError::kIssuerKeyUnavailable:
      return "issuer_key_unavailable";
    case Oid4vpError::kMalformedSdJwt:
      return "malformed_sd_jwt";
    case Oid4vpError::kInvalidSignature:
      return "invalid_signature";
    case Oid4vpError::kWrongType:
      return "wrong_type";
    case Oid4vpError::kExpired:
      return "expired";
    case Oid4vpError::kInvalidClaims:
      return "invalid_claims";
    case Oid4vpError::kUnsupportedSdAlg:
      return "unsupported_sd_alg";
    case Oid4vpError::kInvalidDisclosure:
      return "invalid_disclosure";
    case Oid4vpError::kDuplicateDigest:
      return "duplicate_digest";
    case Oid4vpError::kUnreferencedDisclosure:
      return "unreferenced_disclosure";
    case Oid4vpError::kClaimConflict:
      return "claim_conflict";
    case Oid4vpError::kKeyBindingRequired:
      return "key_binding_required";
    case Oid4vpError::kInvalidKeyBinding:
      return "invalid_key_binding";
    case Oid4vpError::kAudienceMismatch:
      return "audience_mismatch";
    case Oid4vpError::kNonceMismatch:
      return "nonce_mismatch";
    case Oid4vpError::kKeyBindingStale:
      return "key_binding_stale";
    case Oid4vpError::kHolderMismatch:
      return "holder_mismatch";
    case Oid4vpError::kTypeMismatch:
      return "type_mismatch";
    case Oid4vpError::kClaimNotDisclosed:
      return "claim_not_disclosed";
    case Oid4vpError::kRevoked:
      return "revoked";
    case Oid4vpError::kSuspended:
      return "suspended";
    case Oid4vpError::kStatusUnavailable:
      return "status_unavailable";
    case Oid4vpError::kWalletError:
      return "wallet_error";
    case Oid4vpError::kPolicyUnreadable:
      return "policy_unreadable";
  }
  return "presentation_error";
}

Oid4vpError FromSdJwt(credentials::SdJwtError e) {
  using credentials::SdJwtError;
  switch (e) {
    case SdJwtError::kMalformed:
      return Oid4vpError::kMalformedSdJwt;
    case SdJwtError::kInvalidSignature:
      return Oid4vpError::kInvalidSignature;
    case SdJwtError::kWrongType:
      return Oid4vpError::kWrongType;
    case SdJwtError::kInvalidClaims:
      return Oid4vpError::kInvalidClaims;
    case SdJwtError::kUnsupportedSdAlg:
      return Oid4vpError::kUnsupportedSdAlg;
    case SdJwtError::kInvalidDisclosure:
      return Oid4vpError::kInvalidDisclosure;
    case SdJwtError::kDuplicateDigest:
      return Oid4vpError::kDuplicateDigest;
    case SdJwtError::kUnreferencedDisclosure:
      return Oid4vpError::kUnreferencedDisclosure;
    case SdJwtError::kClaimConflict:
      return Oid4vpError::kClaimConflict;
    case SdJwtError::kKeyBindingRequired:
      return Oid4vpError::kKeyBindingRequired;
    case SdJwtError::kInvalidKeyBinding:
      return Oid4vpError::kInvalidKeyBinding;
  }
  return Oid4vpError::kMalformedSdJwt;
}

}  // namespace vc::verifier
