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
  // The form field the error is about ("realName", "idCardType", "idCardNumber"):
  // it gets aria-invalid and aria-describedby pointing at the error.
  std::string invalid_field;
  bool sandbox = false;  // list the sandbox's test inputs, with buttons that fill them
};

common::PageOptions FormPage(const FormView& view);
// Reloads itself every few seconds (inline script allowed by the page CSP).
common::PageOptions PendingPage(const std::string& session_id);

struct VerdictView {
  std::string session_id;
  std::string org_name;
  bool issues_credential = false;  // a pass continues to the credential, not back to the RP
};
// A pass: one button, "Get your credential" (or "Continue to {org}"). Anything
// else: "Try again" first, going back without verifying second.
common::PageOptions VerdictPage(const VerdictView& view, const ProofingAttempt& attempt);
common::PageOptions SandboxHostedPage(const std::string& reference);

// The form field a refused submission is about, for FormView::invalid_field.
std::string FieldInError(const ClaimedIdentity& claimed);

// A sentence for the user about an outcome.
std::string OutcomeMessage(ProofingOutcome outcome);

}  // namespace vc::issuer
