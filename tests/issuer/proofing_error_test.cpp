#include "issuer/proofing_error.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace vc::testing {
namespace {

using issuer::ProofingError;

struct Row {
  ProofingError error;
  std::string code;
  int status;
};

// The wire contract of every ProofingError: its stable code and HTTP status.
const std::vector<Row> kRows = {
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
};

TEST(ProofingError, EachValueHasOneCodeAndStatus) {
  for (const auto& row : kRows) {
    EXPECT_EQ(issuer::Code(row.error), row.code);
    EXPECT_EQ(issuer::HttpStatus(row.error), row.status) << row.code;
  }
}

TEST(ProofingError, LowerCodesOfTheTableBecomeTheirValue) {
  for (const auto& row : kRows) {
    if (row.error == ProofingError::kInternal) continue;
    const auto f = issuer::FromLower({row.code, "m"});
    EXPECT_EQ(f.reason, row.error) << row.code;
    EXPECT_EQ(f.message, "m");
    EXPECT_EQ(issuer::Code(f), row.code);
  }
}

TEST(ProofingError, OtherLowerCodesAreInternalAndKeptOnTheWire) {
  const auto f = issuer::FromLower({"db_busy", "database is locked"});
  EXPECT_EQ(f.reason, ProofingError::kInternal);
  EXPECT_EQ(f.cause, "db_busy");
  EXPECT_EQ(issuer::Code(f), "db_busy");
  EXPECT_EQ(issuer::HttpStatus(f.reason), 500);
  EXPECT_EQ(issuer::Code(issuer::FromLower({"internal_error", ""})), "internal_error");
}

TEST(ProofingError, AFullStoreIsUnavailableNotInternal) {
  const auto f = issuer::FromLower({"db_full", "database or disk is full"});
  EXPECT_EQ(f.reason, ProofingError::kStorageUnavailable);
  EXPECT_EQ(f.cause, "db_full");
  EXPECT_EQ(issuer::Code(f), "storage_unavailable");
  EXPECT_EQ(issuer::HttpStatus(f.reason), 503);
}

TEST(ProofingError, RefusalHasNoCause) {
  const auto f = issuer::Refusal(ProofingError::kMissingClaim, "no realName");
  EXPECT_EQ(issuer::Code(f), "missing_claim");
  EXPECT_TRUE(f.cause.empty());
}

}  // namespace
}  // namespace vc::testing
