// Issue 21 item 10, what an operator met: a sandbox check cut off by a restart
// left its user stuck "being processed" for good, a verifier policy without
// acceptedIssuers accepted a credential of its type from anyone, and /metrics
// was open to all and listed every org id. (The full disk: storage_test.cpp.)
#include <gtest/gtest.h>

#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/base/log.h"
#include "common/config/config_node.h"
#include "common/http/url.h"
#include "tests/hostile/hostile_server.h"
#include "tests/support/temp_dir.h"

namespace vc::testing {
namespace {

std::string State(const common::HttpResponse& r) {
  auto doc = common::ParseJsonObject(r.body);
  return doc ? std::string(common::GetString(*doc, "state").value_or("")) : r.body;
}

common::HttpResponse Proofing(HostileServer& server, const std::string& method,
                              const std::string& session, const std::string& cookie,
                              const std::string& form = "") {
  common::HttpRequest req;
  req.method = method;
  req.url = "/proofing/" + session;
  req.body = form;
  req.headers = {{"Cookie", cookie}, {"Accept", "application/json"}};
  if (method == "POST")
    req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  return server.Send(req);
}

TEST(HostileNeighbours, ASandboxCheckCutOffByARestartExpiresAndCanStartAgain) {
  HostileServer server;
  const auto [session, cookie] = server.OpenSession("orphaned-by-restart");
  const std::string form = "realName=" + common::PercentEncode("Async Orphan") +
                           "&idCardType=PRC_ID&idCardNumber=11010519491231002X";
  const auto started = Proofing(server, "POST", session, cookie, form);
  ASSERT_EQ(started.status, 200) << started.body;
  ASSERT_EQ(State(started), "pending");
  // The user never finishes on the sandbox's page; the process restarts meanwhile.
  server.Restart();
  EXPECT_EQ(State(Proofing(server, "GET", session, cookie)), "expired");
  const auto again =
      Proofing(server, "POST", session, cookie,
               "realName=Mei%20Chen&idCardType=PRC_ID&idCardNumber=11010519491231002X");
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(State(again), "verified");
}

// The verifier's policy as an operator might write it: a type, no issuers.
constexpr const char* kOpenPolicy =
    R"({"policies":[{"id":"anyone","requestedCredentials":[{"type":"VerifiedIdentity"}]}]})";

// A production verifier (with a remote Request Service it never reaches here).
std::string ProductionVerifier(const TempDir& dir, const std::string& verifier) {
  const std::string path = dir.File("config.json");
  std::ofstream(path) << R"({"environment":"production","roles":["verifier"],
    "listen":"127.0.0.1:0","publicBaseUrl":"https://rp.example","dataDir":")"
                      << dir.File("data") << R"(",
    "requestService":{"mode":"remote","baseUrl":"https://rs.example/v1.0",
      "tokenUrl":"https://login.example/token","clientId":"rp","clientSecret":"rp-secret",
      "authority":"did:web:rp.example"},
    "apiKeys":[{"id":"ops","role":"admin","hash":"sha256:)"
                      << common::HexEncode(common::Sha256(kAdminKey)) << R"("}],
    "verifier":)" << verifier
                      << "}";
  return path;
}

TEST(HostileNeighbours, APolicyWithoutAcceptedIssuersStopsAProductionStart) {
  TempDir dir;
  try {
    server::App app({ProductionVerifier(dir, kOpenPolicy), "", ""});
    FAIL() << "a policy that accepts any issuer must not start in production";
  } catch (const common::ConfigError& e) {
    EXPECT_EQ(e.path(), "verifier.policies[0].requestedCredentials[0].acceptedIssuers");
  }
}

TEST(HostileNeighbours, AnInlinePolicyWithoutAcceptedIssuersIsRefusedInProduction) {
  TempDir dir;
  server::App app({ProductionVerifier(dir, R"({"policies":[]})"), "", ""});
  app.Start();
  common::CurlHttpClient http;
  auto resp =
      common::PostJson(http, app.BaseUrl() + "/api/verifier/presentation-requests",
                       R"({"policy":{"requestedCredentials":[{"type":"VerifiedIdentity"}]}})",
                       {{"Authorization", std::string("Bearer ") + kAdminKey}});
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(resp->status, 400) << resp->body;
  EXPECT_NE(resp->body.find("accepted_issuers_required"), std::string::npos) << resp->body;
  app.Stop();
}

TEST(HostileNeighbours, APolicyWithoutAcceptedIssuersIsAWarningInDevelopment) {
  std::mutex mu;
  std::vector<std::string> warnings;
  common::Logger::Global().SetSink([&](std::string_view line) {
    std::lock_guard lock(mu);
    if (line.find("policy_accepts_any_issuer") != std::string_view::npos)
      warnings.emplace_back(line);
  });
  {
    HostileOptions options;
    options.config["verifier"] = kOpenPolicy;
    HostileServer server(options);
  }
  common::Logger::Global().SetSink(nullptr);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("verifier.policies[0].requestedCredentials[0].acceptedIssuers"),
            std::string::npos)
      << warnings[0];
}

common::HttpResponse Metrics(HostileServer& server, const std::string& bearer = "") {
  common::HttpRequest req;
  req.url = "/metrics";
  if (!bearer.empty()) req.headers = {{"Authorization", "Bearer " + bearer}};
  return server.Send(req);
}

TEST(HostileNeighbours, MetricsNameNoOrgUnlessTold) {
  HostileServer server;
  const auto plain = Metrics(server);
  ASSERT_EQ(plain.status, 200);
  EXPECT_EQ(plain.body.find("org=\""), std::string::npos) << "an org id is listed";
  EXPECT_NE(plain.body.find("\nvc_rp_jwks_healthy "), std::string::npos) << "summed over orgs";
  HostileOptions options;
  options.config["metrics"] = R"({"orgLabels":true})";
  HostileServer labelled(options);
  EXPECT_NE(Metrics(labelled).body.find("vc_rp_jwks_healthy{org=\"contoso\"}"), std::string::npos);
}

TEST(HostileNeighbours, MetricsCanBeClosedToATokenAndToAddresses) {
  constexpr const char* kToken = "metrics-token-0123456789";
  HostileOptions options;
  options.config["metrics"] =
      std::string(R"({"token":")") + kToken + R"(","allowFrom":["127.0.0.1","::1"]})";
  HostileServer server(options);
  EXPECT_EQ(Metrics(server).status, 403);
  EXPECT_EQ(Metrics(server, "metrics-token-wrong-guess").status, 403);
  EXPECT_EQ(Metrics(server, kToken).status, 200);
  options.config["metrics"] =
      std::string(R"({"token":")") + kToken + R"(","allowFrom":["192.0.2.1"]})";
  HostileServer elsewhere(options);
  EXPECT_EQ(Metrics(elsewhere, kToken).status, 403);
  common::HttpRequest health;
  health.url = "/healthz";
  EXPECT_EQ(elsewhere.Send(health).status, 200);
}

}  // namespace
}  // namespace vc::testing
