// What the proofing, issuance and session error pages tell a person.
#include "issuer/proofing_pages.h"

#include <gtest/gtest.h>

#include "issuer/issuance_pages.h"
#include "issuer/session_web.h"

namespace vc::issuer {
namespace {

bool Has(const std::string& html, const std::string& part) {
  return html.find(part) != std::string::npos;
}

TEST(ProofingPages, TheFormNamesTheRpAndMarksTheFieldInError) {
  FormView view{"s1",  "Contoso Ltd", "An ID number has 18 characters.",
                "Mei", "PRC_ID",      FieldInError({"Mei", "PRC_ID", "123"}),
                false};
  const std::string html = FormPage(view).body_html;
  EXPECT_TRUE(Has(html, "sent here by <strong>Contoso Ltd</strong>"));
  EXPECT_TRUE(Has(html, "id=\"form-error\" role=\"alert\""));
  EXPECT_TRUE(Has(html,
                  "name=\"idCardNumber\" required maxlength=\"64\" autocomplete=\"off\" "
                  "aria-invalid=\"true\" aria-describedby=\"form-error\""));
  EXPECT_EQ(html.find("aria-invalid"), html.rfind("aria-invalid")) << "one field only";
  EXPECT_FALSE(Has(html, "Sandbox test inputs"));
  EXPECT_EQ(FieldInError({"", "PRC_ID", "1"}), "realName");
  EXPECT_EQ(FieldInError({"Mei", "VISA", "1"}), "idCardType");
  EXPECT_EQ(FieldInError({"Mei\x01", "PRC_ID", "1"}), "realName");
}

TEST(ProofingPages, TheSandboxFormListsItsTestInputsWithFillButtons) {
  FormView view;
  view.session_id = "s1";
  view.org_name = "Contoso";
  view.sandbox = true;
  const auto page = FormPage(view);
  EXPECT_TRUE(Has(page.body_html, "Sandbox test inputs"));
  EXPECT_TRUE(Has(page.body_html, "11010519491231002X"));
  for (const char* name : {"Zhang San", "Sandbox Reject", "Sandbox Async", "Sandbox Unavailable"}) {
    EXPECT_TRUE(Has(page.body_html, std::string("data-fill=\"") + name + "\" hidden>Fill")) << name;
  }
  EXPECT_TRUE(Has(page.script, "data-fill"));  // the buttons show only with the script
}

ProofingAttempt Attempt(ProofingOutcome outcome) {
  ProofingAttempt a;
  a.outcome = outcome;
  return a;
}

TEST(ProofingPages, AfterAPassTheButtonSaysWhatComesNext) {
  auto issuing = VerdictPage({"s1", "Contoso", true}, Attempt(ProofingOutcome::kVerified));
  EXPECT_TRUE(Has(issuing.body_html, ">Get your credential</button>"));
  auto returning = VerdictPage({"s1", "Contoso", false}, Attempt(ProofingOutcome::kVerified));
  EXPECT_TRUE(Has(returning.body_html, ">Continue to Contoso</button>"));
  EXPECT_FALSE(Has(returning.body_html, "Try again"));
}

TEST(ProofingPages, AfterAFailureTryAgainComesFirst) {
  const std::string html =
      VerdictPage({"s1", "Contoso", true}, Attempt(ProofingOutcome::kMismatch)).body_html;
  const size_t retry = html.find("id=\"retry\" href=\"/proofing/s1?retry=1\">Try again</a>");
  const size_t back = html.find("class=\"secondary\">Return to Contoso</button>");
  ASSERT_NE(retry, std::string::npos) << html;
  ASSERT_NE(back, std::string::npos) << html;
  EXPECT_LT(retry, back);
  EXPECT_FALSE(Has(html, "Get your credential"));
}

TEST(SessionPages, AnEndedSessionSaysWhatHappenedAndWhatToDo) {
  EXPECT_TRUE(Has(EndedSessionMessage(SessionStatus::kIssued), "complete"));
  EXPECT_TRUE(Has(EndedSessionMessage(SessionStatus::kVerified), "close this tab"));
  EXPECT_TRUE(Has(EndedSessionMessage(SessionStatus::kFailed), "ask for a new link"));
  EXPECT_TRUE(Has(EndedSessionMessage(SessionStatus::kCancelled), "cancelled"));
}

TEST(IssuancePages, AnOfferShowsTheCodeTheLinkAndTheLinkAsText) {
  const std::string url = "openid-vc://?request_uri=https://idv.example/v1.0/r/1&x=<y>";
  const std::string first = WalletOfferHtml({url, "", "", false});
  EXPECT_TRUE(Has(first, "id=\"qr\" class=\"qr\"><svg"));
  EXPECT_TRUE(Has(first,
                  "id=\"open-wallet\" href=\"openid-vc://?request_uri=https://idv.example/"
                  "v1.0/r/1&amp;x=&lt;y&gt;\""));
  EXPECT_TRUE(Has(first, "<code id=\"deep-link\""));
  EXPECT_TRUE(Has(first, "data-copy=\"deep-link\" hidden>Copy</button>"));
  // A second offer beside it keeps its ids apart.
  const std::string second = WalletOfferHtml({url, "oid4vci-", "Another wallet", true});
  EXPECT_TRUE(Has(second, "<h2>Another wallet</h2>"));
  EXPECT_TRUE(Has(second, "id=\"oid4vci-qr\" class=\"qr dim\""));
  EXPECT_TRUE(Has(second, "id=\"oid4vci-deep-link\""));
}

}  // namespace
}  // namespace vc::issuer
