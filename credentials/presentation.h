// Validation of a wallet's presentation response (spec §7.3): the SIOP
// id_token, the VP JWT(s), the VCs inside, holder binding, the requested types,
// accepted issuers, constraints, expiry, revocation and linked domains.
// The Request Service checks nonce replay and request state itself.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/base/result.h"
#include "credentials/did_resolver.h"
#include "credentials/vc_jwt.h"

namespace vc::credentials {

// One claim constraint: exactly one of values / contains / starts_with is set;
// comparisons are case-insensitive, never regular expressions.
struct Constraint {
  std::string claim_name;
  std::vector<std::string> values;
  std::optional<std::string> contains;
  std::optional<std::string> starts_with;
};

// FaceCheck settings (spec §3.1); matching happens in Entra, not here.
struct FaceCheck {
  std::string source_photo_claim_name;
  int match_confidence_threshold = 70;  // 50..100
};

struct RequestedCredential {
  std::string type;
  std::string purpose;
  std::vector<std::string> accepted_issuers;  // empty = any
  std::vector<Constraint> constraints;
  bool allow_revoked = false;
  bool validate_linked_domain = false;
  std::optional<FaceCheck> face_check;
};

// Revocation lookups, behind an interface so tests and the embedded service
// can answer for their own lists. Returns whether the entry is revoked; errors
// mean "unknown" (the presentation then fails with status_unavailable).
class StatusChecker {
 public:
  virtual ~StatusChecker() = default;
  virtual common::Result<bool> IsRevoked(const std::string& issuer, const StatusEntry& entry) = 0;
};

// Linked-domain validation (spec §8.3); returns the verified origin.
class LinkedDomainChecker {
 public:
  virtual ~LinkedDomainChecker() = default;
  virtual common::Result<std::string> Verify(const std::string& did) = 0;
};

struct PresentationResponse {
  std::string id_token;
  std::string vp_token;  // one compact JWS, or a JSON array of them
};

struct PresentationPolicy {
  std::string client_id;  // the verifier DID (aud)
  std::string nonce;
  std::vector<RequestedCredential> requested;
  int64_t now = 0;
  int64_t skew_seconds = 60;
};

struct VerifiedCredentialData {
  VerifiedVc vc;
  bool revoked = false;
  std::string domain;  // verified origin, when validateLinkedDomain
};

struct VerifiedPresentation {
  std::string subject;                              // the holder DID (id_token sub)
  std::vector<VerifiedCredentialData> credentials;  // in requestedCredentials order
};

// Every check of §7.3; the first failure is returned as a VerifyError code.
common::Result<VerifiedPresentation> ValidatePresentation(const PresentationResponse& response,
                                                          const PresentationPolicy& policy,
                                                          DidResolver& resolver,
                                                          StatusChecker& status,
                                                          LinkedDomainChecker& domains);

// True when `claims` satisfy `c` (case-insensitive).
bool ConstraintHolds(const Constraint& c, const Claims& claims);

}  // namespace vc::credentials
