// Issue 21 items 8 and 10, against the store: unsigned provider callbacks
// wrote an audit row each (the append-only log grew with anyone's traffic);
// no table had a retention; a full disk answered "link not recognised" and
// /healthz still said ok.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <regex>
#include <string>
#include <thread>

#include "common/base/clock.h"
#include "common/base/json.h"
#include "common/http/url.h"
#include "tests/hostile/db_snapshot.h"
#include "tests/hostile/hostile_server.h"

namespace vc::testing {
namespace {

common::HttpResponse Call(HostileServer& server, const std::string& method, const std::string& path,
                          const std::string& body = "", common::HttpHeaders headers = {}) {
  common::HttpRequest req;
  req.method = method;
  req.url = path;
  req.body = body;
  req.headers = std::move(headers);
  return server.Send(req);
}

// The value of one series of /metrics (0 when absent).
int64_t Metric(HostileServer& server, const std::string& series) {
  const auto text = Call(server, "GET", "/metrics").body;
  const size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return 0;
  return std::stoll(text.substr(at + series.size() + 2));
}

TEST(HostileStorage, UnsignedCallbacksAreCountedNotAudited) {
  HostileServer server;
  const std::string series =
      R"(vc_provider_callbacks_total{provider="sandbox",outcome="unauthenticated"})";
  const int64_t counted = Metric(server, series);
  const DbSnapshot before = Snapshot(server.db_path());
  for (int i = 0; i < 50; ++i) {
    const auto forged = Call(server, "POST", "/callbacks/sandbox",
                             R"({"reference":"sbx_)" + std::to_string(i) + R"(","status":"x"})",
                             {{"Content-Type", "application/json"}});
    EXPECT_EQ(forged.status, 403) << forged.body;
    EXPECT_EQ(Call(server, "POST", "/callbacks/no-such-provider", "{}",
                   {{"Content-Type", "application/json"}})
                  .status,
              404);
  }
  ExpectUnchanged(before, Snapshot(server.db_path()));
  EXPECT_EQ(Metric(server, series) - counted, 50);
}

// Every table that grows with use, filled through the server as users would,
// then aged on the server's own clock past each retention.
class HostileRetention : public ::testing::Test {
 protected:
  explicit HostileRetention(HostileOptions options = {}) : clock_(std::time(nullptr)) {
    options.clock = &clock_;
    server_ = std::make_unique<HostileServer>(options);
  }

  void Fill() {
    // A journey: claim, session, attempt, verified record, issuance request, gate.
    auto [session, cookie] = server_->OpenSession("retained-journey");
    const common::HttpHeaders form = {{"Cookie", cookie},
                                      {"Content-Type", "application/x-www-form-urlencoded"}};
    ASSERT_EQ(Call(*server_, "POST", "/proofing/" + session,
                   "realName=Mei%20Chen&idCardType=PRC_ID&idCardNumber=11010519491231002X", form)
                  .status,
              303);
    ASSERT_EQ(Call(*server_, "POST", "/proofing/" + session + "/continue", "", form).status, 303);
    // A rejected check, and a record an app made and never verified.
    auto [other, other_cookie] = server_->OpenSession("retained-rejected");
    ASSERT_EQ(
        Call(*server_, "POST", "/proofing/" + other,
             "realName=Reject%20Me&idCardType=PRC_ID&idCardNumber=11010519491231002X",
             {{"Cookie", other_cookie}, {"Content-Type", "application/x-www-form-urlencoded"}})
            .status,
        303);
    ASSERT_EQ(Call(*server_, "PATCH", "/api/users/contoso/never-verified",
                   R"({"realName":"Ann Other","idCardType":"PASSPORT","idCardNumber":"E1234567"})",
                   {{"Authorization", std::string("Bearer ") + kAdminKey},
                    {"Content-Type", "application/json"}})
                  .status,
              200);
  }

  size_t Rows(const std::string& table) { return Snapshot(server_->db_path())[table].size(); }

  common::ManualClock clock_;
  std::unique_ptr<HostileServer> server_;
};

TEST_F(HostileRetention, EveryGrowingTableIsPrunedOnceItsRowsAreOld) {
  Fill();
  const char* tables[] = {"one_time_claims",  "sessions",         "proofing_attempts",
                          "identity_records", "issuer_issuances", "issuer_offer_gates",
                          "rs_requests"};
  const DbSnapshot young = Snapshot(server_->db_path());
  for (const char* table : tables) ASSERT_GT(young.at(table).size(), 0u) << table;
  ASSERT_TRUE(server_->app().RunRetention().ok());
  EXPECT_EQ(Snapshot(server_->db_path()), young) << "nothing is old enough yet";
  clock_.Advance(91 * 86400);  // past every default retention
  auto removed = server_->app().RunRetention();
  ASSERT_TRUE(removed.ok()) << removed.error().message;
  for (const char* table : tables) {
    // The verified identity record is the product, and stays.
    const size_t kept = std::string(table) == "identity_records" ? 1 : 0;
    EXPECT_EQ(Rows(table), kept) << table;
  }
  EXPECT_GT((*removed)["sessions"], 0);
}

class HostileShortRetention : public HostileRetention {
 protected:
  HostileShortRetention() : HostileRetention(Options()) {}
  static HostileOptions Options() {
    HostileOptions options;
    options.config["retention"] =
        R"({"requestServiceRequestsSeconds":60,"pruneIntervalSeconds":30})";
    return options;
  }
};

TEST_F(HostileShortRetention, EachRetentionIsItsOwnConfigKey) {
  Fill();
  clock_.Advance(300 + 61);  // the request expired (300 s) more than 60 s ago
  ASSERT_TRUE(server_->app().RunRetention().ok());
  EXPECT_EQ(Rows("rs_requests"), 0u);
  EXPECT_EQ(Rows("issuer_issuances"), 1u);  // kept 30 days by default
  EXPECT_GT(Rows("sessions"), 0u);
}

std::string Healthz(HostileServer& server, int* status) {
  const auto r = Call(server, "GET", "/healthz");
  *status = r.status;
  return r.body;
}

TEST(HostileStorage, AFullDiskAsksToTryAgainAndHealthzSaysSo) {
  HostileServer server;
  common::Database& db = server.app().database();
  int64_t pages = 0;
  ASSERT_TRUE(db.Read([&](common::Connection& conn) -> common::Status {
                  auto q = conn.Prepare("PRAGMA page_count");
                  if (!q) return q.error();
                  auto row = q->Step();
                  if (!row) return row.error();
                  pages = q->ColumnInt64(0);
                  return common::Status::Ok();
                }).ok());
  // The database may not grow past its size now: as good as a full disk.
  ASSERT_TRUE(db.Exec("PRAGMA max_page_count = " + std::to_string(pages)).ok());
  common::HttpResponse refused;
  std::string refused_token;
  for (int i = 0; i < 400 && refused.status != 503; ++i) {
    refused_token = server.Jumpstart("full-disk-" + std::to_string(i), server.rp_redirect());
    refused = Call(server, "GET", "/contoso/?token=" + refused_token);
    ASSERT_TRUE(refused.status == 303 || refused.status == 503) << refused.body;
  }
  ASSERT_EQ(refused.status, 503) << "the database never filled up";
  EXPECT_NE(refused.body.find("try"), std::string::npos) << refused.body;
  EXPECT_EQ(refused.body.find("not recognised"), std::string::npos) << refused.body;
  const auto auth0 =
      Call(server, "GET", "/id-verification?state=s&token=" + server.Auth0Token("auth0|full"), "",
           {{"Accept", "application/json"}});
  EXPECT_EQ(auth0.status, 503) << auth0.body;
  EXPECT_NE(auth0.body.find("storage_unavailable"), std::string::npos) << auth0.body;
  int status = 0;
  EXPECT_NE(Healthz(server, &status).find("unhealthy"), std::string::npos);
  EXPECT_EQ(status, 503);
  // Room again: /healthz recovers by itself (its probe writes), and the link
  // that was refused still works: nothing of it was kept.
  ASSERT_TRUE(db.Exec("PRAGMA max_page_count = 1073741823").ok());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (Healthz(server, &status), status != 200 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(status, 200);
  EXPECT_EQ(Call(server, "GET", "/contoso/?token=" + refused_token).status, 303);
}

}  // namespace
}  // namespace vc::testing
