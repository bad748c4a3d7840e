// Hostile ids and query values: every route with a path parameter or a query
// value × SQL metacharacters, encoded traversal, invalid UTF-8, CR LF, NUL,
// markup, a 2 KB value and bad percent-encoding, with the documented status;
// the database is unchanged afterwards (only the audit log may grow: refused
// calls of authenticated callers are audited; provider callbacks that are not
// accepted are only counted, docs/security.md).
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/http/url.h"
#include "support/raw_http_client.h"
#include "tests/hostile/catalogue.h"
#include "tests/hostile/db_snapshot.h"

namespace vc::testing {
namespace {

// Each value is already percent-encoded as it travels in the URL.
const std::vector<std::pair<std::string, std::string>> kIdAttacks = {
    {"SQL '; DROP TABLE", common::PercentEncode("'; DROP TABLE x;--")},
    {"SQL \" OR 1=1", common::PercentEncode("\" OR 1=1")},
    {"traversal ..%2F", "..%2F..%2Fetc%2Fpasswd"},
    {"traversal %2e%2e%2f", "%2e%2e%2f%2e%2e%2fetc%2fpasswd"},
    {"traversal ..%5C", "..%5C..%5Cetc%5Cpasswd"},
    {"invalid UTF-8", "%FF%FE%C0%AF"},
    {"CRLF", "%0D%0AX-Injected:%201"},
    {"NUL", "a%00b"},
    {"markup", common::PercentEncode("<script>alert(1)</script>")},
    {"2 KB id", std::string(2 * 1024, 'a')},
};
// Bad percent-encoding never reaches a handler: 400 invalid_path or invalid_query.
const std::pair<std::string, std::string> kBadEncoding = {"bad percent-encoding", "%zz"};

// A route with "{id}" in its path or query. `status` is the answer to an id
// that names nothing; `bad_encoding` the answer to kBadEncoding.
struct Route {
  std::string method;
  std::string target;
  Shape shape;
  int status;
  int bad_encoding = 400;
  common::HttpHeaders headers = {};
  std::string json_body = "";
  std::map<std::string, int> overrides = {};  // attack name -> status
};

std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

Case MakeCase(const Route& r, const std::string& attack, const std::string& value, int status) {
  Case c{r.method + " " + r.target + " × " + attack, {}, status, r.shape};
  c.req.method = r.method;
  c.req.url = ReplaceAll(r.target, "{id}", value);
  c.req.headers = r.headers;
  c.req.headers.emplace_back("Accept", "application/json");
  if (!r.json_body.empty()) {
    c.req.body = r.json_body;
    c.req.headers.emplace_back("Content-Type", "application/json");
  }
  if (status == 400 && attack == kBadEncoding.first) c.shape = Shape::kJsonError;
  return c;
}

std::vector<Case> Catalogue(const std::vector<Route>& routes) {
  std::vector<Case> cases;
  for (const Route& r : routes) {
    for (const auto& [attack, value] : kIdAttacks) {
      auto it = r.overrides.find(attack);
      cases.push_back(MakeCase(r, attack, value, it == r.overrides.end() ? r.status : it->second));
    }
    cases.push_back(MakeCase(r, kBadEncoding.first, kBadEncoding.second, r.bad_encoding));
  }
  return cases;
}

class HostileIds : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new HostileServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void RunCasesUnchanged(const std::vector<Case>& cases) {
    const DbSnapshot before = Snapshot(server_->db_path());
    RunCatalogue(*server_, cases);
    ExpectUnchanged(before, Snapshot(server_->db_path()));
  }
  void RunUnchanged(const std::vector<Route>& routes,
                    const std::set<std::string>& append_only = {}) {
    const DbSnapshot before = Snapshot(server_->db_path());
    RunCatalogue(*server_, Catalogue(routes));
    ExpectUnchanged(before, Snapshot(server_->db_path()), append_only, {"audit_head"});
  }
  static HostileServer* server_;
};
HostileServer* HostileIds::server_ = nullptr;

const common::HttpHeaders kAdmin = {{"Authorization", std::string("Bearer ") + kAdminKey}};

TEST_F(HostileIds, IntakeAndProofing) {
  RunUnchanged({
      {"GET", "/{id}/?token=x", Shape::kJsonError, 404},
      {"POST", "/{id}/", Shape::kJsonError, 404},
      {"GET", "/contoso/?token={id}", Shape::kJsonError, 400},
      {"GET", "/id-verification?token={id}&state=s", Shape::kJsonError, 400},
      {"GET", "/id-verfication?token=x&state={id}", Shape::kJsonError, 400},
      {"GET", "/proofing/{id}", Shape::kJsonError, 404},
      {"POST", "/proofing/{id}", Shape::kJsonError, 404},
      {"GET", "/proofing/{id}/return", Shape::kJsonError, 303},
      {"POST", "/proofing/{id}/continue", Shape::kJsonError, 404},
      {"POST", "/proofing/{id}/cancel", Shape::kJsonError, 404},
      {"GET", "/sandbox-provider/{id}", Shape::kHtml, 404},
      {"POST", "/sandbox-provider/{id}", Shape::kHtml, 404},
      {"POST", "/callbacks/{id}", Shape::kJsonError, 404},
  });
}

// A user naming the provider that checks them (issue 21): whatever the name,
// only their org's provider may run (403 provider_not_allowed).
TEST_F(HostileIds, AUserCannotNameTheProvider) {
  const auto [session, cookie] = server_->OpenSession("hostile-provider-picker");
  common::HttpRequest patch;
  patch.method = "PATCH";
  patch.url = "/api/users/contoso/hostile-provider-picker";
  patch.body =
      R"({"realName":"Mei Chen","idCardType":"PRC_ID","idCardNumber":"11010519491231002X"})";
  patch.headers = {{"Cookie", cookie}, {"Content-Type", "application/json"}};
  ASSERT_EQ(server_->Send(patch).status, 200);
  RunUnchanged({{"POST",
                 "/api/verify-identification?provider={id}",
                 Shape::kCasdoor,
                 403,
                 400,
                 {{"Cookie", cookie}}}},
               {"audit_log"});
}

// The same ids as a browser sends them (no Accept: application/json): the error
// pages must answer the same status and show the id, if at all, escaped
// (ExpectWellBehaved looks for the raw markup in every HTML answer).
TEST_F(HostileIds, BrowserPagesAnswerTheSameAndEscape) {
  std::vector<Case> cases = Catalogue({
      {"GET", "/{id}/?token=x", Shape::kHtml, 404},
      {"GET", "/contoso/?token={id}", Shape::kHtml, 400},
      {"GET", "/id-verification?token={id}&state=s", Shape::kHtml, 400},
      {"GET", "/proofing/{id}", Shape::kHtml, 404},
      {"POST", "/proofing/{id}/continue", Shape::kHtml, 404},
      {"POST", "/proofing/{id}/cancel", Shape::kHtml, 404},
      {"GET", "/issuance/{id}", Shape::kHtml, 404},
      {"POST", "/issuance/{id}/continue", Shape::kHtml, 404},
  });
  for (Case& c : cases) {
    c.req.headers = {{"Accept", "text/html"}};
    if (c.status >= 400 && c.name.ends_with(kBadEncoding.first)) c.shape = Shape::kJsonError;
  }
  RunCasesUnchanged(cases);
}

TEST_F(HostileIds, Issuance) {
  RunUnchanged({
      {"GET", "/issuance/{id}", Shape::kJsonError, 404},
      {"GET", "/issuance/{id}/qr.png", Shape::kJsonError, 404},
      {"POST", "/issuance/{id}/new", Shape::kJsonError, 404},
      {"POST", "/issuance/{id}/continue", Shape::kJsonError, 404},
      {"POST", "/issuance/{id}/skip", Shape::kJsonError, 404},
      {"GET", "/api/issuer/request-status?id={id}", Shape::kJsonError, 404},
  });
}

TEST_F(HostileIds, OpenId4Vci) {
  RunUnchanged({
      {"GET", "/oid4vci/offers/{id}", Shape::kOAuth, 404},
      {"GET", "/oid4vci/status-lists/{id}", Shape::kOAuth, 404},
      {"GET", "/oid4vci/types/{id}", Shape::kOAuth, 404},
      {"GET", "/api/issuer/offer-status?id={id}", Shape::kJsonError, 404},
      {"GET", "/.well-known/openid-credential-issuer?x={id}", Shape::kJsonError, 200},
      {"GET", "/.well-known/oauth-authorization-server?x={id}", Shape::kJsonError, 200},
      {"GET", "/.well-known/jwt-vc-issuer?x={id}", Shape::kJsonError, 200},
  });
}

TEST_F(HostileIds, OpenId4Vp) {
  RunUnchanged({
      {"GET", "/oid4vp/requests/{id}", Shape::kOAuth, 404},
      {"GET", "/oid4vp/did.json?x={id}", Shape::kOAuth, 200},
  });
}

TEST_F(HostileIds, RequestServiceAndWallet) {
  const common::HttpHeaders admin = {
      {"Authorization", "Bearer " + server_->BearerToken(kAdminScope)}};
  const std::string vc = "/v1.0/tenants/local/verifiableCredentials";
  RunUnchanged({
      {"GET", vc + "/issuanceRequests/{id}", Shape::kEnvelope, 404},
      {"GET", "/v1.0/local/verifiableCredentials/presentationRequests/{id}", Shape::kEnvelope, 404},
      {"GET", vc + "/contracts/{id}/manifest", Shape::kEnvelope, 404},
      {"GET", vc + "/status/{id}", Shape::kEnvelope, 404},
      {"POST", "/v1.0/verifiableCredentials/credentials/{id}/revoke", Shape::kEnvelope, 404, 400,
       admin},
      {"POST", "/v1.0/verifiableCredentials/contracts/{id}/credentials/revoke", Shape::kEnvelope,
       404, 400, admin, R"({"claimValue":"x"})"},
      // Paths the API does not have, and the tenant of the OAuth surface.
      {"GET", "/v1.0/verifiableCredentials/{id}", Shape::kEnvelope, 404},
      {"DELETE", "/beta/{id}/x", Shape::kEnvelope, 404},
      {"POST", "/{id}/oauth2/v2.0/token", Shape::kOAuth, 400},
      {"GET", "/{id}/v2.0/.well-known/openid-configuration", Shape::kOAuth, 400},
  });
}

TEST_F(HostileIds, VerifierAndAdmin) {
  RunUnchanged(
      {
          {"GET", "/api/verifier/presentation-requests/{id}", Shape::kJsonError, 404, 400, kAdmin},
          {"GET", "/verifier/demo/requests/{id}", Shape::kJsonError, 404},
          {"GET", "/api/users/{id}/x", Shape::kCasdoor, 404, 400, kAdmin},
          {"POST", "/api/users/x/{id}/reset-identity", Shape::kCasdoor, 404, 400, kAdmin,
           R"({"reason":"x"})"},
          {"POST", "/api/users/x/{id}/credential", Shape::kCasdoor, 404, 400, kAdmin},
          {"GET", "/api/users/x/{id}/credential/y", Shape::kCasdoor, 404, 400, kAdmin},
          {"GET", "/api/users/x/y/credential/{id}", Shape::kCasdoor, 404, 400, kAdmin},
          {"POST", "/api/providers/{id}/test", Shape::kCasdoor, 404, 400, kAdmin},
          {"POST", "/api/verify-identification?owner=x&name={id}", Shape::kCasdoor, 404, 400,
           kAdmin},
          {"GET", "/api/audit?after={id}", Shape::kCasdoor, 400, 400, kAdmin},
          {"GET", "/api/audit?limit={id}", Shape::kCasdoor, 400, 400, kAdmin},
          // The development demo RP shows any result it cannot verify as a page saying so.
          {"GET", "/demo/rp/done?result={id}", Shape::kHtml, 200},
          {"GET", "/healthz?x={id}", Shape::kJsonError, 200},
          {"GET", "/metrics?x={id}", Shape::kJsonError, 200},
          {"GET", "/verifier?x={id}", Shape::kHtml, 200},
          {"GET", "/.well-known/jwks.json?x={id}", Shape::kJsonError, 200},
          {"GET", "/.well-known/did.json?x={id}", Shape::kJsonError, 200},
          {"GET", "/.well-known/did-configuration.json?x={id}", Shape::kJsonError, 200},
      },
      {"audit_log"});
}

// Literal dot segments, which curl resolves before sending, over a raw socket:
// routes match segments exactly, so these name nothing (404) and read no file.
TEST_F(HostileIds, LiteralDotSegmentsNameNothing) {
  const auto port =
      static_cast<uint16_t>(std::stoi(server_->base().substr(server_->base().rfind(':') + 1)));
  for (const std::string path :
       {"/../../../etc/passwd", "/proofing/../../etc/passwd", "/.well-known/../../etc/passwd",
        "/v1.0/tenants/local/verifiableCredentials/status/../../../../../etc/passwd",
        "/sandbox-provider/..", "/contoso/../../etc/passwd", "/./healthz/.."}) {
    common::testing::RawHttpConnection conn(port);
    ASSERT_TRUE(conn.connected());
    ASSERT_TRUE(conn.Send("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    const std::string response = conn.ReadResponse();
    EXPECT_EQ(response.rfind("HTTP/1.1 404", 0), 0u) << path << ": " << response.substr(0, 200);
    EXPECT_EQ(response.find("root:"), std::string::npos) << path;
  }
}

// PATCH creates the record it names (Casdoor's users exist before they are
// verified), so SQL, traversal and markup owners are stored as the text they
// are; bytes no record key holds are refused before anything is written.
TEST_F(HostileIds, IdentityPatchRefusesKeysWithControlBytes) {
  std::vector<Case> cases;
  for (const char* target : {"/api/users/{id}/x", "/api/users/x/{id}"}) {
    for (const auto& [attack, value] :
         std::vector<std::pair<std::string, std::string>>{{"invalid UTF-8", "%FF%FE%C0%AF"},
                                                          {"CRLF", "%0D%0AX-Injected:%201"},
                                                          {"NUL", "a%00b"},
                                                          {"300-byte id", std::string(300, 'a')}}) {
      Route r{"PATCH", target, Shape::kCasdoor, 400, 400, kAdmin, R"({"realName":"x"})"};
      cases.push_back(MakeCase(r, attack, value, 400));
    }
  }
  const DbSnapshot before = Snapshot(server_->db_path());
  RunCatalogue(*server_, cases);
  ExpectUnchanged(before, Snapshot(server_->db_path()));
}

}  // namespace
}  // namespace vc::testing
