// The landing page at `/`, the demo button, the short forms of paths, and the
// vcserver process's build info, process metrics and JSON shutdown lines.
#include "server/landing_page.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>

#include "common/http/http_client.h"
#include "server/app.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace vc::testing {
namespace {

common::HttpResponse Send(const std::string& method, const std::string& url,
                          const std::string& body = "",
                          const std::string& type = "application/x-www-form-urlencoded") {
  common::CurlHttpClient http;
  common::HttpRequest req;
  req.method = method;
  req.url = url;
  req.body = body;
  if (!body.empty()) req.headers.emplace_back("Content-Type", type);
  auto r = http.Send(req);
  EXPECT_TRUE(r.ok()) << url;
  return r ? *r : common::HttpResponse{};
}

TEST(LandingPage, InDevelopmentItOffersTheDemoAndTheLinks) {
  TempDir dir;
  server::App app({"", dir.File("var"), "127.0.0.1:0"});
  app.Start();
  const std::string base = app.BaseUrl();
  auto page = Send("GET", base + "/");
  EXPECT_EQ(page.status, 200);
  for (const char* expected :
       {"<h1>vcservice</h1>", "action=\"/demo/start\"", "Start the demo as Contoso",
        "href=\"/verifier\"", "href=\"/healthz\"", "href=\"/metrics\"", "docs/proofing.md",
        "DEVELOPMENT"}) {
    EXPECT_NE(page.body.find(expected), std::string::npos) << expected;
  }
  EXPECT_NE(page.Header("content-security-policy").value_or("").find("script-src 'sha256-"),
            std::string::npos);

  // One click: a fresh jumpstart link for the demo org, which the intake accepts.
  auto start = Send("POST", base + "/demo/start", "org=contoso");
  ASSERT_EQ(start.status, 303);
  const std::string link(start.Header("location").value_or(""));
  ASSERT_EQ(link.rfind("/contoso/?token=", 0), 0u) << link;
  auto claimed = Send("GET", base + link);
  EXPECT_EQ(claimed.status, 303);
  EXPECT_EQ(std::string(claimed.Header("location").value_or("")).rfind("/proofing/", 0), 0u);
  EXPECT_EQ(Send("POST", base + "/demo/start", "org=acme").status, 400);

  // Short forms: 308 to the canonical path, query kept; unknown orgs stay 404.
  auto org = Send("GET", base + "/contoso?token=abc");
  EXPECT_EQ(org.status, 308);
  EXPECT_EQ(org.Header("location").value_or(""), "/contoso/?token=abc");
  EXPECT_EQ(Send("POST", base + "/metrics", "x=1").status, 405);  // one-segment 405s stay
  EXPECT_EQ(Send("GET", base + "/acme").status, 404);
  auto verifier = Send("GET", base + "/verifier/");
  EXPECT_EQ(verifier.status, 308);
  EXPECT_EQ(verifier.Header("location").value_or(""), "/verifier");
  EXPECT_EQ(Send("GET", base + "/healthz").status, 200);  // literal routes still win
  app.Stop();
}

TEST(LandingPage, InProductionItIsMinimalWithNoDemoActions) {
  TempDir dir;
  const std::string config = dir.File("config.json");
  std::ofstream(config) << R"({"environment":"production","listen":"127.0.0.1:0",
      "publicBaseUrl":"https://idv.example","dataDir":")"
                        << dir.File("data") << R"(","orgs":[{"id":"acme",
      "redirectUrls":["https://acme.example/done"],
      "keys":{"jwksUri":"https://acme.example/jwks.json"},"proofing":"jumio"}],
      "proofingProviders":{"jumio":{"type":"jumio","region":"amer-1","clientId":"c",
      "clientSecret":"s","callbackSecret":"cb"}}})";
  server::App app({config, "", ""});
  app.Start();
  auto page = Send("GET", app.BaseUrl() + "/");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("follow the link the organisation gave you"), std::string::npos);
  for (const char* absent : {"demo", "/verifier", "/metrics", "DEVELOPMENT", "<script"}) {
    EXPECT_EQ(page.body.find(absent), std::string::npos) << absent;
  }
  EXPECT_EQ(Send("POST", app.BaseUrl() + "/demo/start", "org=acme").status, 404);
  EXPECT_EQ(Send("GET", app.BaseUrl() + "/acme").status, 308);
  app.Stop();
}

TEST(VcserverProcess, ExportsBuildInfoAndProcessMetricsAndLogsItsShutdownAsJson) {
  TempDir dir;
  ServerProcess server;
  ASSERT_TRUE(server.Start({"--data-dir", dir.File("var"), "--listen", "127.0.0.1:0"},
                           dir.File("vcserver")));
  auto metrics = Send("GET", server.url() + "/metrics");
  EXPECT_NE(metrics.body.find("vc_build_info{version=\"0.1.0\",commit=\""), std::string::npos)
      << metrics.body.substr(0, 2000);
  for (const char* name :
       {"\nprocess_cpu_seconds_total ", "\nprocess_resident_memory_bytes ", "\nprocess_open_fds ",
        "\nprocess_start_time_seconds ", "\nvc_jumpstarts_total{outcome=\"accepted\"} 0\n"}) {
    EXPECT_NE(metrics.body.find(name), std::string::npos) << name;
  }
  EXPECT_EQ(server.Signal(SIGTERM), 0);
  const std::string err = server.Stderr();
  EXPECT_NE(err.find(R"("event":"stopping","signal":"Terminated")"), std::string::npos) << err;
  EXPECT_NE(err.find(R"("event":"stopped")"), std::string::npos) << err;
  // Every line the process wrote to stderr is one JSON object.
  std::istringstream lines(err);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_TRUE(line.size() > 1 && line.front() == '{' && line.back() == '}') << line;
  }
}

}  // namespace
}  // namespace vc::testing
