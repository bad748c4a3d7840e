#include "credentials/verify_error.h"

namespace vc::credentials {

std::string_view Code(VerifyError e) {
  switch (e) {
    case VerifyError::kMalformedToken:
      return "malformed_token";
    case VerifyError::kUnresolvableDid:
      return "unresolvable_did";
    case VerifyError::kUnknownKey:
      return "unknown_key";
    case VerifyError::kKidNotIssuer:
      return "kid_not_issuer";
    case VerifyError::kAlgNotAllowed:
      return "alg_not_allowed";
    case VerifyError::kInvalidSignature:
      return "invalid_signature";
    case VerifyError::kMissingClaim:
      return "missing_claim";
    case VerifyError::kExpired:
      return "expired";
    case VerifyError::kNotYetValid:
      return "not_yet_valid";
    case VerifyError::kBadIdTokenIssuer:
      return "bad_id_token_issuer";
    case VerifyError::kNonceMismatch:
      return "nonce_mismatch";
    case VerifyError::kAudienceMismatch:
      return "audience_mismatch";
    case VerifyError::kMissingSubmission:
      return "missing_presentation_submission";
    case VerifyError::kHolderBinding:
      return "holder_binding_failed";
    case VerifyError::kTypeMismatch:
      return "type_mismatch";
    case VerifyError::kIssuerNotAccepted:
      return "issuer_not_accepted";
    case VerifyError::kConstraintFailed:
      return "constraint_failed";
    case VerifyError::kRevoked:
      return "revoked";
    case VerifyError::kStatusUnavailable:
      return "status_unavailable";
    case VerifyError::kLinkedDomainUnverified:
      return "linked_domain_unverified";
  }
  return "unknown";
}

common::Error MakeVerifyError(VerifyError e, std::string message) {
  return common::Error{std::string(Code(e)), std::move(message)};
}

}  // namespace vc::credentials
