// Open-redirect and header-injection tricks on every redirect target the
// service takes from a client: the jumpstart `redirectUrl` claim (checked
// against the org's registered URLs), the Auth0 `iss` (picks the tenant whose
// `/continue` we return to), the Auth0 `state` and a stray `redirect_uri`
// (carried back, never followed). No answer may redirect off the allowed list
// or carry CR/LF in a header; refused links change nothing in the database.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/http/url.h"
#include "tests/hostile/catalogue.h"
#include "tests/hostile/db_snapshot.h"

namespace vc::testing {
namespace {

class HostileRedirects : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new HostileServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static common::HttpResponse Get(const std::string& path, const std::string& cookie = "") {
    common::HttpRequest req;
    req.url = path;
    req.headers = {{"Accept", "application/json"}};
    if (!cookie.empty()) req.headers.emplace_back("Cookie", cookie);
    return server_->Send(req);
  }
  static common::HttpResponse Cancel(const std::string& session, const std::string& cookie) {
    common::HttpRequest req;
    req.method = "POST";
    req.url = "/proofing/" + session + "/cancel";
    req.headers = {{"Cookie", cookie}};
    return server_->Send(req);
  }
  static HostileServer* server_;
};
HostileServer* HostileRedirects::server_ = nullptr;

// Targets that look like, contain or start like the registered URL but are not it.
std::vector<std::string> EvilRedirects(const std::string& base) {
  const std::string host_port = base.substr(std::string("http://").size());
  const std::string path = "/demo/rp/done";
  return {
      "//evil.example" + path,
      "https://evil.example" + path,
      "http://" + host_port + ".evil.example" + path,
      "http://127.0.0.1.evil.example:" + host_port.substr(host_port.find(':') + 1) + path,
      "http://user@" + host_port + path,
      "http://" + host_port + "@evil.example" + path,
      "http:\\\\evil.example\\demo\\rp\\done",
      "http://" + host_port + "\\@evil.example" + path,
      "/\\evil.example" + path,
      "http:/evil.example" + path,
      common::PercentEncode("http://evil.example" + path),
      "http://" + host_port + "%2F@evil.example" + path,
      "http://evil.example%2F@" + host_port + path,
      base + path + "/../../../evil",
      base + path + "%2F..%2F..%2Fevil",
      base + path + "#@evil.example",
      base + path + ".evil.example",
      "javascript:alert(1)//" + base + path,
      "JaVaScRiPt:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      base + path + "\r\nX-Injected: 1",
      base + path + "%0D%0AX-Injected:%201",
      " " + base + path,
      base + path + " ",
  };
}

TEST_F(HostileRedirects, JumpstartRedirectUrlMustBeRegistered) {
  // Control: the registered URL opens a session, so the refusals below are about the URL.
  auto ok =
      Get("/contoso/?token=" + server_->Jumpstart("redirect-control", server_->rp_redirect()));
  ASSERT_EQ(ok.status, 303) << ok.body;
  const DbSnapshot before = Snapshot(server_->db_path());
  int n = 0;
  for (const std::string& evil : EvilRedirects(server_->base())) {
    const std::string name = "redirectUrl " + evil;
    auto r = Get("/contoso/?token=" + server_->Jumpstart("redirect-" + std::to_string(n++), evil));
    ExpectWellBehaved(name, server_->base(), r);
    EXPECT_EQ(r.status, 400) << name << ": " << r.body;
    EXPECT_EQ(catalogue_detail::ShapeError(Shape::kJsonError, r), "") << name;
    EXPECT_NE(r.body.find("redirect_not_allowed"), std::string::npos) << name << ": " << r.body;
    EXPECT_FALSE(r.Header("location").has_value()) << name;
  }
  ExpectUnchanged(before, Snapshot(server_->db_path()));
}

TEST_F(HostileRedirects, Auth0IssuerPicksOnlyAConfiguredTenant) {
  const DbSnapshot before = Snapshot(server_->db_path());
  const std::string d = kAuth0Domain;
  const std::vector<std::string> issuers = {
      "evil.example",   d + ".evil.example",     d + "@evil.example", "evil.example/" + d,
      "//evil.example", d + "\r\nX-Injected: 1", "https://" + d,      d + "/",
      d + ":443"};
  for (const std::string& iss : issuers) {
    auto r = Get("/id-verification?state=s&token=" + server_->Auth0Token("auth0|iss", iss));
    ExpectWellBehaved("iss " + iss, server_->base(), r);
    EXPECT_EQ(r.status, 400) << iss << ": " << r.body;
    EXPECT_NE(r.body.find("unknown_tenant"), std::string::npos) << iss << ": " << r.body;
  }
  ExpectUnchanged(before, Snapshot(server_->db_path()));
}

// The action of the auto-post form of a page, HTML-unescaped.
std::string FormAction(const std::string& html) {
  const std::string marker = "action=\"";
  const size_t at = html.find(marker);
  if (at == std::string::npos) return "";
  const size_t start = at + marker.size();
  std::string action = html.substr(start, html.find('"', start) - start);
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"&amp;", "&"},
                                 {"&#39;", "'"},
                                 {"&quot;", "\""},
                                 {"&lt;", "<"},
                                 {"&gt;", ">"}}) {
    for (size_t p = action.find(from); p != std::string::npos; p = action.find(from, p + 1)) {
      action.replace(p, from.size(), to);
    }
  }
  return action;
}

// The state travels back to Auth0 as a query parameter of its /continue URL (the
// action of an auto-post form), encoded; a stray redirect_uri is ignored.
TEST_F(HostileRedirects, Auth0StateIsCarriedBackEncodedAndRedirectUriIgnored) {
  const std::string allowed = std::string("https://") + kAuth0Domain + "/continue?";
  int n = 0;
  for (const std::string& state :
       {std::string("x\r\nX-Injected: 1"), std::string("//evil.example"),
        std::string("https://evil.example&redirect_uri=https://evil.example"),
        std::string("javascript:alert(1)"), std::string(2000, 's')}) {
    const std::string sub = "auth0|state-" + std::to_string(n++);
    auto start = Get("/id-verification?redirect_uri=https%3A%2F%2Fevil.example&state=" +
                     common::PercentEncode(state) + "&token=" + server_->Auth0Token(sub));
    ExpectWellBehaved("state " + state, server_->base(), start);
    ASSERT_EQ(start.status, 303) << start.body;
    const std::string location(start.Header("location").value_or(""));
    const std::string cookie(start.Header("set-cookie").value_or(""));
    auto back =
        Cancel(location.substr(location.rfind('/') + 1), cookie.substr(0, cookie.find(';')));
    ExpectWellBehaved("state " + state, server_->base(), back, {allowed});
    // The way back is a page that posts the signed result to Auth0's /continue.
    ASSERT_EQ(back.status, 200) << back.body;
    const std::string to = FormAction(back.body);
    ASSERT_EQ(to.rfind(allowed, 0), 0u) << to;
    auto query = common::ParseQueryString(to.substr(allowed.size()));
    ASSERT_TRUE(query.ok()) << to;
    EXPECT_EQ(query->Get("state").value_or(""), state);
  }
}

TEST_F(HostileRedirects, JumpstartCancelReturnsToTheRegisteredUrl) {
  const auto [session, cookie] = server_->OpenSession("redirect-cancel");
  auto back = Cancel(session, cookie);
  ExpectWellBehaved("cancel", server_->base(), back);
  ASSERT_EQ(back.status, 303) << back.body;
  EXPECT_EQ(back.Header("location").value_or("").rfind(server_->rp_redirect() + "?", 0), 0u);
}

}  // namespace
}  // namespace vc::testing
