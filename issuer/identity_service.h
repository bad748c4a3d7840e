// The Casdoor-style account operations on identity records, without HTTP:
// read, update with the lock enforced by the server, admin reset (audited,
// with a reason), and verify-identification through a provider. Failures are
// ProofingErrors (proofing_error.h), which identity_routes.cpp maps to HTTP:
//   kForbidden, kIdentityNotFound, kIdentityIncomplete, kAlreadyVerified,
//   kIdentityLocked, kCheckPending (fields frozen while a check is pending),
//   kFieldReadOnly, kReasonRequired, kUnknownProvider, kProviderNotAllowed,
//   kInvalidInput, the provider's failures and kInternal.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "common/base/clock.h"
#include "common/store/store.h"
#include "issuer/api_auth.h"
#include "issuer/audit_log.h"
#include "issuer/identity_records.h"
#include "issuer/proofing_error.h"
#include "issuer/proofing_service.h"

namespace vc::issuer {

// A PATCH: absent members stay as they are.
struct IdentityPatch {
  std::optional<std::string> real_name;
  std::optional<std::string> id_card_type;
  std::optional<std::string> id_card_number;
  bool sets_verified = false;  // the body tried to set isVerified
};

class IdentityService {
 public:
  // `default_provider` names the provider of an owner's org (or Auth0 tenant):
  // what a verification uses when the call names none, and the only one a
  // non-admin caller may name (kProviderNotAllowed otherwise).
  // Reads and writes the identity records in `db` (the database `proofing`
  // uses), sealed with `crypto`; verification goes through `proofing`.
  IdentityService(ProofingService& proofing, common::Database& db, const IdentityCrypto& crypto,
                  const common::Clock& clock,
                  std::function<std::string(const std::string& owner)> default_provider)
      : proofing_(proofing),
        db_(db),
        clock_(clock),
        identities_(crypto),
        audit_(db, clock),
        default_provider_(std::move(default_provider)) {}

  ProofingResult<IdentityRecord> Get(const Caller& caller, const std::string& owner,
                                     const std::string& name);
  ProofingResult<IdentityRecord> Update(const Caller& caller, const std::string& owner,
                                        const std::string& name, const IdentityPatch& patch,
                                        const std::string& mscv);
  // Admin only; unlocks a verified record.
  ProofingResult<IdentityRecord> Reset(const Caller& caller, const std::string& owner,
                                       const std::string& name, const std::string& reason,
                                       const std::string& mscv);
  // Runs the provider on the stored fields. Empty owner/name = the caller's own;
  // empty provider = the org's. Fails with kProviderNotAllowed when a non-admin
  // names another provider than the org's.
  ProofingResult<ProofingAttempt> Verify(const Caller& caller, std::string owner, std::string name,
                                         std::string provider, const std::string& mscv);
  // Admin only: the provider's credentials and reachability; changes nothing.
  ProofingStatus TestProvider(const Caller& caller, const std::string& provider);

 private:
  common::Status Audit(const Caller& caller, const std::string& owner, const std::string& name,
                       const std::string& action, const std::string& outcome,
                       const std::string& mscv, const std::string& detail);
  ProofingService& proofing_;
  common::Database& db_;
  const common::Clock& clock_;
  IdentityStore identities_;
  AuditLog audit_;
  std::function<std::string(const std::string&)> default_provider_;
};

}  // namespace vc::issuer
