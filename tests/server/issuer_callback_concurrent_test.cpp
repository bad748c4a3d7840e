// POST /api/issuer/callback raced on a running vcserver (embedded defaults, port
// 0, real HTTP): 32 threads send conflicting callbacks for one issuance at once
// (issuance_successful, issuance_error, duplicates, a late request_retrieved).
// Every one is answered 200 {"status":"received"}; exactly one terminal status
// is recorded, with exactly one audit entry, and later waves change nothing.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "common/base/base64url.h"
#include "common/base/json.h"
#include "common/http/http_client.h"
#include "issuer/audit_log.h"
#include "issuer/issuance_store.h"
#include "keys/key_store.h"
#include "server/app.h"
#include "tests/server/issuance_flow.h"
#include "tests/support/temp_dir.h"

namespace vc::testing {
namespace {

constexpr int kThreads = 32;

class IssuerCallbackConcurrentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    app_ = std::make_unique<server::App>(server::AppOptions{"", data_, "127.0.0.1:0"});
    app_->Start();
    journey_ = std::make_unique<Journey>(app_->BaseUrl());
    auto key = keys::KeyStore(data_ + "/keys").SecretOrCreate("issuer-callback-api-key");
    ASSERT_TRUE(key.ok());
    api_key_ = common::Base64UrlEncode(*key);
    auto db = common::Database::Open(data_ + "/vc.db");
    ASSERT_TRUE(db.ok());
    db_ = std::move(*db);
  }
  void TearDown() override { app_->Stop(); }

  // A proofed session with an issuance request (request_created); its record.
  issuer::IssuanceRecord StartIssuance() {
    journey_->Start(Journey::DemoRpKey(data_), app_->BaseUrl() + "/demo/rp/done");
    EXPECT_EQ(journey_->ProofAndContinue(), "/issuance/" + journey_->session());
    const std::string id = journey_->IssuanceId();
    auto record = issuer::IssuanceStore(*db_, clock_).Get(id);
    EXPECT_TRUE(record.ok());
    return record ? *record : issuer::IssuanceRecord{};
  }

  // Thread i's callback: successes, errors (each with its own code) and retrievals.
  static std::string Body(const issuer::IssuanceRecord& r, int i) {
    const std::string head =
        R"({"requestId":")" + r.request_id + R"(","state":")" + r.state + "\",";
    if (i % 3 == 0) return head + R"("requestStatus":"issuance_successful"})";
    if (i % 3 == 1) {
      return head + R"("requestStatus":"issuance_error","error":{"code":"e)" + std::to_string(i) +
             R"(","message":"m"}})";
    }
    return head + R"("requestStatus":"request_retrieved"})";
  }

  // Sends every body at once from its own thread; the answers' statuses.
  std::vector<int> Race(const issuer::IssuanceRecord& r) {
    std::vector<int> statuses(kThreads, 0);
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        common::CurlHttpClient http;
        const std::string body = Body(r, i);
        ready.fetch_add(1);
        while (ready.load() < kThreads) std::this_thread::yield();
        auto resp = common::PostJson(http, app_->BaseUrl() + "/api/issuer/callback", body,
                                     {{"api-key", api_key_}});
        statuses[i] = resp ? resp->status : -1;
        if (resp) {
          EXPECT_EQ(resp->body, R"({"status":"received"})");
        }
      });
    }
    for (auto& t : threads) t.join();
    return statuses;
  }

  // Audit entries recording a terminal issuance event for `request_id`.
  std::vector<issuer::AuditEntry> TerminalAudit(const std::string& request_id) {
    auto entries = issuer::AuditLog(*db_, clock_).List(0, 10000);
    EXPECT_TRUE(entries.ok());
    std::vector<issuer::AuditEntry> terminal;
    for (const auto& e : entries ? *entries : std::vector<issuer::AuditEntry>{}) {
      if (e.action == "issuance" && e.reference == request_id &&
          (e.outcome == "issuance_successful" || e.outcome == "issuance_error")) {
        terminal.push_back(e);
      }
    }
    return terminal;
  }
  int TerminalAuditEntries(const std::string& request_id) {
    return static_cast<int>(TerminalAudit(request_id).size());
  }

  TempDir dir_;
  std::string data_ = dir_.File("var");
  common::SystemClock clock_;
  std::unique_ptr<server::App> app_;
  std::unique_ptr<Journey> journey_;
  std::unique_ptr<common::Database> db_;
  std::string api_key_;
};

TEST_F(IssuerCallbackConcurrentTest, ConflictingCallbacksEndInOneTerminalStateAuditedOnce) {
  const issuer::IssuanceRecord r = StartIssuance();
  ASSERT_FALSE(r.state.empty());
  for (int status : Race(r)) EXPECT_EQ(status, 200);
  auto first = issuer::IssuanceStore(*db_, clock_).Get(r.id);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(issuer::IsTerminal(first->status)) << issuer::IssuanceStatusName(first->status);
  EXPECT_TRUE(first->pin.empty());
  EXPECT_EQ(TerminalAuditEntries(r.request_id), 1);

  // A second wave finds the request ended: answered the same, nothing changes.
  for (int status : Race(r)) EXPECT_EQ(status, 200);
  auto after = issuer::IssuanceStore(*db_, clock_).Get(r.id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->status, first->status);
  EXPECT_EQ(after->error_code, first->error_code);
  EXPECT_EQ(after->updated_at, first->updated_at);
  EXPECT_EQ(TerminalAuditEntries(r.request_id), 1);
  auto report = issuer::AuditLog::Verify(*db_);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok) << report->problem;
}

// A row written before the subject column: its subject comes from the session,
// read on the blocking pool while the callbacks wait on no thread. Raced, it
// still ends once, audited once under the session's identity record.
TEST_F(IssuerCallbackConcurrentTest, CallbacksForARowWithoutSubjectFindItThroughTheSession) {
  const issuer::IssuanceRecord r = StartIssuance();
  ASSERT_FALSE(r.subject.empty());
  ASSERT_TRUE(db_->Transaction([&](common::Connection& c) -> common::Status {
                   auto st = c.Cached("UPDATE issuer_issuances SET subject = '' WHERE id = ?");
                   if (!st) return st.error();
                   return st->BindText(1, r.id).Run();
                 })
                  .ok());
  for (int status : Race(r)) EXPECT_EQ(status, 200);
  auto after = issuer::IssuanceStore(*db_, clock_).Get(r.id);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(issuer::IsTerminal(after->status));
  const auto audited = TerminalAudit(r.request_id);
  ASSERT_EQ(audited.size(), 1u);
  EXPECT_EQ(audited[0].subject, r.subject);
}

}  // namespace
}  // namespace vc::testing
