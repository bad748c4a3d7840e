// The HTML of the proofing journey: the identity form (Casdoor's field names),
// the "being processed" page that follows along, the verdict page, and the
// sandbox provider's hosted page. Pure rendering: no I/O, everything escaped.
#pragma once

#include <string>

#include "common/http/html.h"
#include "issuer/proofing_attempts.h"

namespace vc::issuer {

inline constexpr const char* kSandboxBanner = "SANDBOX — not a real identity check";

struct FormView {
  std::string session_id;
  std::string org_name;
  std::string error;      // shown above the form when set (plain text)
  std::string real_name;  // prefilled after an error; the ID number never is
  std::string id_card_type;
};

common::PageOptions FormPage(const FormView& view);
// Reloads itself every few seconds (inline script allowed by the page CSP).
common::PageOptions PendingPage(const std::string& session_id);
common::PageOptions VerdictPage(const std::string& session_id, const std::string& org_name,
                                const ProofingAttempt& attempt);
common::PageOptions SandboxHostedPage(const std::string& reference);

// A sentence for the user about an outcome.
std::string OutcomeMessage(ProofingOutcome outcome);

}  // namespace vc::issuer
