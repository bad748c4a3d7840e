// Why a proofing, identity or account-issuance operation refused or failed:
// one enum and one table (proofing_error.cpp) that gives each value its stable
// wire code and HTTP status. ProofingService, IdentityService and
// IssuanceService return it; the routes (proofing_routes.cpp, the Casdoor
// envelope in casdoor_envelope.cpp, issuance_routes.cpp) only look it up.
#pragma once

#include <string>
#include <string_view>

#include "common/base/result.h"

namespace vc::issuer {

enum class ProofingError {
  kUnauthenticated,              // "unauthenticated" 401: no or bad credentials
  kForbidden,                    // "forbidden" 403: the caller may not act on the record
  kIdentityNotFound,             // "identity_not_found" 404
  kUnknownProvider,              // "unknown_provider" 404
  kIdentityIncomplete,           // "identity_incomplete" 400: a field to verify is empty
  kInvalidInput,                 // "invalid_input" 400
  kFieldReadOnly,                // "field_read_only" 400: isVerified is set by verification only
  kReasonRequired,               // "reason_required" 400: an admin reset without a reason
  kAlreadyVerified,              // "already_verified" 409
  kIdentityLocked,               // "identity_locked" 409: verified fields cannot change
  kProviderUnavailable,          // "provider_unavailable" 503 (retryable)
  kProviderError,                // "provider_error" 502
  kNotVerified,                  // "not_verified" 409: no credential before verification
  kIssuanceNotConfigured,        // "issuance_not_configured" 409
  kMissingClaim,                 // "missing_claim" 409: the record lacks a required claim
  kIssuanceNotFound,             // "issuance_not_found" 404
  kRequestServiceUnavailable,    // "request_service_unavailable" 502
  kUnsupportedMediaType,         // "unsupported_media_type" 415
  kCallbackUnauthenticated,      // "callback_unauthenticated" 403: a callback that is not ours
  kAttemptNotFound,              // "attempt_not_found" 404
  kInvalidCallback,              // "invalid_callback" 400: a callback body we cannot read
  kUnsupportedCredentialFormat,  // "unsupported_credential_format" 400: a format the
                                 // contract does not offer (jwt_vc_json, dc+sd-jwt)
  kProviderNotAllowed,           // "provider_not_allowed" 403: not the org's provider (non-admin)
  kCheckPending,                 // "check_pending" 409: a check of this record is under way
  kOfferInProgress,              // "offer_in_progress" 409: a live credential offer exists
  kOfferLimitReached,            // "offer_limit_reached" 429: too many offers for this record
  kStorageUnavailable,           // "storage_unavailable" 503: the store is full or cannot be
                                 // reached; try again later
  kInternal,                     // 500: storage and other lower-layer failures (see `cause`)
};

// A failure of ProofingError. `cause` keeps the lower layer's own code when
// there is one ("db_busy", "decrypt_failed", a Request Service code…): for the
// log, and for kInternal also the code the wire shows (as it always did).
struct ProofingFailure {
  ProofingError reason = ProofingError::kInternal;
  std::string message;  // for a human; 5xx answers do not show it
  std::string cause;
};

template <typename T>
using ProofingResult = common::Result<T, ProofingFailure>;
using ProofingStatus = common::BasicStatus<ProofingFailure>;

std::string_view Code(ProofingError e);
int HttpStatus(ProofingError e);
// The wire code: Code(reason), or the cause of a kInternal failure.
std::string Code(const ProofingFailure& f);

// The seam where lower layers' string-coded Errors (providers, stores) enter:
// a code of the table becomes its value, a full store ("db_full")
// kStorageUnavailable, anything else kInternal with the code as the cause.
ProofingFailure FromLower(const common::Error& e);

// Builds a failure of a table value.
inline ProofingFailure Refusal(ProofingError e, std::string message) {
  return ProofingFailure{e, std::move(message), ""};
}

// A lower layer's Result seen through FromLower.
template <typename T>
ProofingResult<T> Lift(common::Result<T> r) {
  if (!r) return FromLower(r.error());
  return std::move(r).value();
}

}  // namespace vc::issuer
