#include "issuer/proofing_pages.h"

#include <algorithm>
#include <utility>

#include "issuer/session_web.h"

namespace vc::issuer {
using common::HtmlEscape;

namespace {

// The sandbox's deterministic test inputs (docs/proofing.md): a name, and what it gives.
struct SandboxCase {
  const char* name;
  const char* outcome;
};
constexpr SandboxCase kSandboxCases[] = {
    {"Zhang San", "verified"},
    {"Sandbox Async", "verified, through the sandbox's hosted page and a callback"},
    {"Sandbox Reject", "rejected"},
    {"Sandbox Mismatch", "name and number do not match"},
    {"Sandbox NoRecord", "no official record"},
    {"Sandbox Review", "needs a manual review"},
    {"Sandbox Expire", "expired"},
    {"Sandbox Unavailable", "the provider is down (the form says so)"},
};
constexpr const char* kSandboxNumber = "11010519491231002X";

std::string SandboxHints() {
  std::string html =
      "<section aria-labelledby=\"sandbox-hints\"><h2 id=\"sandbox-hints\">Sandbox test "
      "inputs</h2><p class=\"muted\">The sandbox decides by the name. Any ID type works with a "
      "valid number; this PRC resident ID passes the checksum: <code>" +
      std::string(kSandboxNumber) +
      "</code>.</p><table><thead><tr><th scope=\"col\">Real name</th><th "
      "scope=\"col\">Outcome</th></tr></thead><tbody>";
  for (const auto& c : kSandboxCases) {
    html += "<tr><td>" + HtmlEscape(c.name) +
            " <button type=\"button\" class=\"secondary small\" data-fill=\"" + HtmlEscape(c.name) +
            "\" hidden>Fill</button></td><td>" + HtmlEscape(c.outcome) + "</td></tr>";
  }
  return html + "</tbody></table></section>";
}

// Shows the Fill buttons (useless without scripts) and fills the form with a case.
std::string SandboxFillScript() {
  return std::string(R"js(document.querySelectorAll('[data-fill]').forEach(function(b){
b.hidden=false;b.addEventListener('click',function(){
document.getElementById('realName').value=b.getAttribute('data-fill');
document.getElementById('idCardType').value='PRC_ID';
document.getElementById('idCardNumber').value=')js") +
         kSandboxNumber + "';document.getElementById('submit').focus();});});";
}

std::string Option(const std::string& value, const std::string& label, const std::string& chosen) {
  return "<option value=\"" + value + "\"" + (value == chosen ? " selected" : "") + ">" + label +
         "</option>";
}

}  // namespace

std::string OutcomeMessage(ProofingOutcome o) {
  switch (o) {
    case ProofingOutcome::kVerified:
      return "Your identity has been verified.";
    case ProofingOutcome::kRejected:
      return "The identity check did not succeed.";
    case ProofingOutcome::kMismatch:
      return "The name and ID number you entered do not match the official record.";
    case ProofingOutcome::kNoRecord:
      return "No official record was found for this ID number.";
    case ProofingOutcome::kNeedsReview:
      return "Your check could not be completed automatically and needs a manual review.";
    case ProofingOutcome::kExpired:
      return "The identity check expired before it was finished.";
    case ProofingOutcome::kError:
      return "The verification service failed; nothing was decided.";
    case ProofingOutcome::kPending:
      break;
  }
  return "Your check is being processed.";
}

std::string FieldInError(const ClaimedIdentity& c) {
  const bool control = std::any_of(c.real_name.begin(), c.real_name.end(), [](char ch) {
    return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f;
  });
  if (c.real_name.empty() || c.real_name.size() > 100 || control) return "realName";
  if (!IsKnownIdCardType(c.id_card_type)) return "idCardType";
  return "idCardNumber";
}

common::PageOptions FormPage(const FormView& v) {
  common::PageOptions page;
  page.title = "Verify your identity";
  std::string html = "<h1>Verify your identity</h1><p>You were sent here by <strong>" +
                     HtmlEscape(v.org_name) + "</strong> to prove who you are.</p>";
  if (!v.error.empty()) {
    html += "<p class=\"error\" id=\"form-error\" role=\"alert\">" + HtmlEscape(v.error) + "</p>";
  }
  const auto invalid = [&v](const char* field) -> std::string {
    if (v.error.empty() || v.invalid_field != field) return "";
    return " aria-invalid=\"true\" aria-describedby=\"form-error\"";
  };
  html += "<form method=\"post\" action=\"/proofing/" + HtmlEscape(v.session_id) +
          "\">"
          "<label for=\"realName\">Real name</label><input id=\"realName\" name=\"realName\" "
          "required maxlength=\"100\" autocomplete=\"name\"" +
          invalid("realName") + " value=\"" + HtmlEscape(v.real_name) +
          "\"><label for=\"idCardType\">ID card type</label><select id=\"idCardType\" "
          "name=\"idCardType\"" +
          invalid("idCardType") + ">" + Option("PRC_ID", "PRC resident ID", v.id_card_type) +
          Option("PASSPORT", "Passport", v.id_card_type) +
          Option("ID_CARD", "ID card", v.id_card_type) +
          Option("DRIVING_LICENSE", "Driving licence", v.id_card_type) +
          "</select><label for=\"idCardNumber\">ID card number</label><input id=\"idCardNumber\" "
          "name=\"idCardNumber\" required maxlength=\"64\" autocomplete=\"off\"" +
          invalid("idCardNumber") +
          "><p><button type=\"submit\" id=\"submit\">Verify</button></p></form>";
  html += PostButton("/proofing/" + v.session_id + "/cancel", "Cancel and go back", "cancel",
                     "secondary");
  if (v.sandbox) {
    html += SandboxHints();
    page.script = SandboxFillScript();
  }
  page.body_html = std::move(html);
  return page;
}

common::PageOptions PendingPage(const std::string& session_id) {
  common::PageOptions page;
  page.title = "Checking your identity";
  page.body_html =
      "<h1 id=\"state\" data-state=\"pending\">Your check is being processed</h1>"
      "<p role=\"status\">This page updates by itself. You can also <a href=\"/proofing/" +
      HtmlEscape(session_id) + "\">check again</a>.</p>";
  page.script = "setTimeout(function(){location.reload();},2000);";
  return page;
}

common::PageOptions VerdictPage(const VerdictView& v, const ProofingAttempt& a) {
  common::PageOptions page;
  const bool ok = a.outcome == ProofingOutcome::kVerified;
  page.title = ok ? "Identity verified" : "Identity not verified";
  std::string html = "<h1 id=\"state\" data-state=\"" + std::string(OutcomeName(a.outcome)) +
                     "\">" + HtmlEscape(page.title) + "</h1><p>" +
                     HtmlEscape(OutcomeMessage(a.outcome)) + "</p>";
  const std::string base = "/proofing/" + v.session_id;
  if (ok) {
    if (v.issues_credential) {
      html += "<p>Next, " + HtmlEscape(v.org_name) +
              " offers you a credential for your digital wallet.</p>" +
              PostButton(base + "/continue", "Get your credential", "continue");
    } else {
      html += PostButton(base + "/continue", "Continue to " + v.org_name, "continue");
    }
  } else {
    html += "<p class=\"actions\"><a class=\"button\" id=\"retry\" href=\"" +
            HtmlEscape(base + "?retry=1") + "\">Try again</a></p>" +
            "<p class=\"muted\">Or go back without a verified identity:</p>" +
            PostButton(base + "/continue", "Return to " + v.org_name, "continue", "secondary");
  }
  page.body_html = std::move(html);
  return page;
}

common::PageOptions SandboxHostedPage(const std::string& reference) {
  common::PageOptions page;
  page.title = "Sandbox provider";
  page.banner = kSandboxBanner;
  page.body_html =
      "<h1>Sandbox identity provider</h1><p>This page stands in for a vendor's "
      "hosted capture (document photo and selfie). Nothing is captured.</p>" +
      PostButton("/sandbox-provider/" + reference, "Finish the sandbox check");
  return page;
}

}  // namespace vc::issuer
