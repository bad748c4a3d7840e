#include "issuer/proofing_pages.h"

#include <utility>

#include "issuer/session_web.h"

namespace vc::issuer {
using common::HtmlEscape;

namespace {

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

common::PageOptions FormPage(const FormView& v) {
  common::PageOptions page;
  page.title = "Verify your identity";
  std::string html = "<h1>Verify your identity</h1><p>You were sent here by <strong>" +
                     HtmlEscape(v.org_name) + "</strong> to prove who you are.</p>";
  if (!v.error.empty()) html += "<p class=\"error\" role=\"alert\">" + HtmlEscape(v.error) + "</p>";
  html += "<form method=\"post\" action=\"/proofing/" + HtmlEscape(v.session_id) +
          "\">"
          "<label for=\"realName\">Real name</label><input id=\"realName\" name=\"realName\" "
          "required maxlength=\"100\" autocomplete=\"name\" value=\"" +
          HtmlEscape(v.real_name) +
          "\"><label for=\"idCardType\">ID card type</label><select id=\"idCardType\" "
          "name=\"idCardType\">" +
          Option("PRC_ID", "PRC resident ID", v.id_card_type) +
          Option("PASSPORT", "Passport", v.id_card_type) +
          Option("ID_CARD", "ID card", v.id_card_type) +
          Option("DRIVING_LICENSE", "Driving licence", v.id_card_type) +
          "</select><label for=\"idCardNumber\">ID card number</label><input id=\"idCardNumber\" "
          "name=\"idCardNumber\" required maxlength=\"64\" autocomplete=\"off\"><p>"
          "<button type=\"submit\" id=\"submit\">Verify</button></p></form>";
  html += PostButton("/proofing/" + v.session_id + "/cancel", "Cancel and go back");
  page.body_html = std::move(html);
  return page;
}

common::PageOptions PendingPage(const std::string& session_id) {
  common::PageOptions page;
  page.title = "Checking your identity";
  page.body_html =
      "<h1 id=\"state\" data-state=\"pending\">Your check is being processed</h1>"
      "<p>This page updates by itself. You can also <a href=\"/proofing/" +
      HtmlEscape(session_id) + "\">check again</a>.</p>";
  page.script = "setTimeout(function(){location.reload();},2000);";
  return page;
}

common::PageOptions VerdictPage(const std::string& session_id, const std::string& org_name,
                                const ProofingAttempt& a) {
  common::PageOptions page;
  const bool ok = a.outcome == ProofingOutcome::kVerified;
  page.title = ok ? "Identity verified" : "Identity not verified";
  std::string html = "<h1 id=\"state\" data-state=\"" + std::string(OutcomeName(a.outcome)) +
                     "\">" + HtmlEscape(page.title) + "</h1><p>" +
                     HtmlEscape(OutcomeMessage(a.outcome)) + "</p>";
  html += PostButton("/proofing/" + session_id + "/continue", "Continue to " + org_name);
  if (!ok) {
    html += "<p><a href=\"/proofing/" + HtmlEscape(session_id) + "?retry=1\">Try again</a></p>";
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
