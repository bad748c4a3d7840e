// The seam between the proofing flow and an identity-proofing vendor (Jumio,
// Alibaba Cloud, the sandbox). One interface for synchronous checks (a verdict
// straight from Start) and asynchronous ones (Start gives a redirect; the
// verdict arrives later through an authenticated callback, then Fetch).
// Providers know nothing of sessions, HTTP routes or storage.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "common/base/result.h"
#include "common/http/http_client.h"

namespace vc::issuer {

// What proofing concluded. kPending until a verdict exists; the rest are final.
enum class ProofingOutcome {
  kPending,      // the provider has not decided yet
  kVerified,     // the identity matched
  kRejected,     // the provider rejected the evidence (e.g. Jumio REJECTED)
  kMismatch,     // name and number do not belong together (Alibaba BizCode 2)
  kNoRecord,     // the authority has no such person (Alibaba BizCode 3)
  kNeedsReview,  // inconclusive (Jumio WARNING); not verified by default
  kExpired,      // the user abandoned or the session expired (NOT_EXECUTED)
  kError,        // the provider failed; nothing was decided
};

std::string_view OutcomeName(ProofingOutcome outcome);  // "verified", "mismatch", …
bool ParseOutcome(std::string_view name, ProofingOutcome* out);
bool IsFinal(ProofingOutcome outcome);

// Casdoor's identity fields, as the user claimed them.
struct ClaimedIdentity {
  std::string real_name;
  std::string id_card_type;    // PRC_ID, PASSPORT, ID_CARD or DRIVING_LICENSE
  std::string id_card_number;  // PII: never logged, encrypted at rest
};

// True for the four Casdoor ID card types.
bool IsKnownIdCardType(std::string_view type);

struct ProofingStart {
  std::string attempt_id;  // ours, opaque (no PII); providers may echo it
  ClaimedIdentity claimed;
  std::string return_url;    // where the provider sends the browser back
  std::string callback_url;  // where an async provider posts its callback
};

struct ProviderVerdict {
  ProofingOutcome outcome = ProofingOutcome::kPending;
  std::string reason;                         // a stable code, never PII ("biz_code_2")
  std::map<std::string, std::string> claims;  // extracted claims (e.g. firstName)
  // The document number the provider read, when it reads documents (Jumio):
  // PII, compared with the claimed number and never stored.
  std::string document_number;
};

struct StartResult {
  std::string reference;     // the provider's id for this attempt (may be empty when sync)
  std::string redirect_url;  // non-empty: send the browser here and wait for a callback
  ProviderVerdict verdict;   // when redirect_url is empty: the synchronous verdict
};

struct CallbackInput {
  common::HttpHeaders headers;  // names lower-cased
  std::string body;
  std::string remote_ip;
};

// What an authentic callback says. Never a verdict: the verdict is fetched.
struct CallbackEvent {
  std::string reference;   // which attempt (the provider's reference)
  std::string event_id;    // idempotency key (e.g. Jumio workflow execution id)
  int64_t sent_at_ms = 0;  // for ignoring stale, out-of-order events
  std::string status;      // the provider's status word, informational
  std::string attempt_id;  // our attempt, when the authenticated part names it
};

class ProofingProvider {
 public:
  virtual ~ProofingProvider() = default;
  virtual std::string_view Type() const = 0;  // "sandbox", "jumio", "alibaba"
  // Pages of a sandbox provider carry a SANDBOX banner; production refuses it.
  virtual bool IsSandbox() const { return false; }
  // False for a provider that keeps its checks in memory only (the sandbox):
  // its pending checks are expired when the service starts again.
  virtual bool KeepsChecksAcrossRestarts() const { return true; }
  // Format checks before anything is stored or sent. Error "invalid_input"
  // with a message fit for the user (no PII echoed).
  virtual common::Status Validate(const ClaimedIdentity& claimed) const = 0;
  // Starts a check. Errors: "provider_unavailable" (retryable), "provider_error".
  virtual common::Result<StartResult> Start(const ProofingStart& start) = 0;
  // The verdict for `reference` (async providers); kPending when not ready.
  virtual common::Result<ProviderVerdict> Fetch(const std::string& reference) = 0;
  // Authenticates a callback. Error "callback_unauthenticated" when it is not ours.
  virtual common::Result<CallbackEvent> AuthenticateCallback(const CallbackInput& in) = 0;
  // Credentials and reachability, changing nothing (POST /api/providers/{name}/test).
  virtual common::Status Test() = 0;
};

}  // namespace vc::issuer
