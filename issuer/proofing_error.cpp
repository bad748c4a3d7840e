#include "issuer/proofing_error.h"

#include <array>

namespace vc::issuer {

namespace {

struct Info {
  ProofingError error;
  std::string_view code;
  int status;
};

constexpr std::array<Info, 28> kInfo = {{
    {ProofingError::kUnauthenticated, "unauthenticated", 401},
    {ProofingError::kForbidden, "forbidden", 403},
    {ProofingError::kIdentityNotFound, "identity_not_found", 404},
    {ProofingError::kUnknownProvider, "unknown_provider", 404},
    {ProofingError::kIdentityIncomplete, "identity_incomplete", 400},
    {ProofingError::kInvalidInput, "invalid_input", 400},
    {ProofingError::kFieldReadOnly, "field_read_only", 400},
    {ProofingError::kReasonRequired, "reason_required", 400},
    {ProofingError::kAlreadyVerified, "already_verified", 409},
    {ProofingError::kIdentityLocked, "identity_locked", 409},
    {ProofingError::kProviderUnavailable, "provider_unavailable", 503},
    {ProofingError::kProviderError, "provider_error", 502},
    {ProofingError::kNotVerified, "not_verified", 409},
    {ProofingError::kIssuanceNotConfigured, "issuance_not_configured", 409},
    {ProofingError::kMissingClaim, "missing_claim", 409},
    {ProofingError::kIssuanceNotFound, "issuance_not_found", 404},
    {ProofingError::kRequestServiceUnavailable, "request_service_unavailable", 502},
    {ProofingError::kUnsupportedMediaType, "unsupported_media_type", 415},
    {ProofingError::kCallbackUnauthenticated, "callback_unauthenticated", 403},
    {ProofingError::kAttemptNotFound, "attempt_not_found", 404},
    {ProofingError::kInvalidCallback, "invalid_callback", 400},
    {ProofingError::kUnsupportedCredentialFormat, "unsupported_credential_format", 400},
    {ProofingError::kProviderNotAllowed, "provider_not_allowed", 403},
    {ProofingError::kCheckPending, "check_pending", 409},
    {ProofingError::kOfferInProgress, "offer_in_progress", 409},
    {ProofingError::kOfferLimitReached, "offer_limit_reached", 429},
    {ProofingError::kStorageUnavailable, "storage_unavailable", 503},
    {ProofingError::kInternal, "internal_error", 500},
}};

const Info& InfoFor(ProofingError e) {
  for (const auto& i : kInfo) {
    if (i.error == e) return i;
  }
  return kInfo.back();
}

}  // namespace

std::string_view Code(ProofingError e) { return InfoFor(e).code; }
int HttpStatus(ProofingError e) { return InfoFor(e).status; }

std::string Code(const ProofingFailure& f) {
  if (f.reason == ProofingError::kInternal && !f.cause.empty()) return f.cause;
  return std::string(Code(f.reason));
}

ProofingFailure FromLower(const common::Error& e) {
  if (e.code == "db_unavailable" || e.code == "db_full") {
    return {ProofingError::kStorageUnavailable, e.message, e.code};
  }
  for (const auto& i : kInfo) {
    if (i.code == e.code && i.error != ProofingError::kInternal) return {i.error, e.message, ""};
  }
  return ProofingFailure{ProofingError::kInternal, e.message, e.code};
}

}  // namespace vc::issuer
