// The durable outbox on both engines: per-key order, retries, and several
// instances delivering from one table through leases.
#include "common/http/outbox.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "common/base/json.h"
#include "common/http/http_server.h"
#include "common/store/migrations.h"
#include "support/store_queries.h"
#include "support/test_database.h"

namespace vc::common {
namespace {

using vc::testing::BackendTest;
using vc::testing::QueryInt;

constexpr const char* kTable = "test_outbox";

// Records every POST: the event's key and sequence number from the body.
class Receiver {
 public:
  Receiver() {
    server_.Route("POST", "/hook", [this](const HttpServerRequest& req) {
      std::lock_guard lock(mu_);
      auto doc = ParseJsonObject(req.body);
      const std::string key = doc ? std::string(GetString(*doc, "key").value_or("")) : "";
      const int64_t n = doc ? GetInt64(*doc, "n").value_or(-1) : -1;
      if (failures_left_ > 0) {
        --failures_left_;
        return HttpServerResponse::JsonError(503, "down", "try later");
      }
      calls_[key].push_back(n);
      idempotency_[std::string(req.Header("Idempotency-Key").value_or(""))]++;
      return HttpServerResponse::Json(200, "{}");
    });
    server_.Start();
  }
  std::string url() const { return server_.BaseUrl() + "/hook"; }
  void FailNext(int n) {
    std::lock_guard lock(mu_);
    failures_left_ = n;
  }
  std::map<std::string, std::vector<int64_t>> calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }
  std::map<std::string, int> idempotency() {
    std::lock_guard lock(mu_);
    return idempotency_;
  }

 private:
  std::mutex mu_;
  int failures_left_ = 0;
  std::map<std::string, std::vector<int64_t>> calls_;
  std::map<std::string, int> idempotency_;
  HttpServer server_;
};

class OutboxTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (::testing::Test::IsSkipped() || HasFatalFailure()) return;
    const std::vector<Migration> m = {{1, "create", OutboxTableSql(kTable, Engine::kSqlite),
                                       OutboxTableSql(kTable, Engine::kPostgresql)},
                                      {2, "lease", OutboxLeaseSql(kTable, Engine::kSqlite),
                                       OutboxLeaseSql(kTable, Engine::kPostgresql)}};
    ASSERT_TRUE(ApplyMigrations(db(), "test_outbox", m).ok());
  }
  void Enqueue(const std::string& key, int n) {
    JsonWriter w;
    w->StartObject();
    w.Member("key", key);
    w.Member("n", n);
    w->EndObject();
    Status s = db().Transaction([&](Connection& c) {
      return HttpOutbox::Enqueue(c, kTable, key, receiver_.url(),
                                 {{"Idempotency-Key", key + ":" + std::to_string(n)}}, w.str(),
                                 clock_.NowMillis());
    });
    ASSERT_TRUE(s.ok()) << s.error().message;
  }
  OutboxOptions Options() const {
    OutboxOptions o;
    o.timeout_ms = 5000;
    o.base_backoff_ms = 1000;
    return o;
  }

  ManualClock clock_;
  CurlHttpClient http_;
  Receiver receiver_;
};

TEST_P(OutboxTest, DeliversEachKeyInOrderAndRetriesAfterBackoff) {
  for (int n = 0; n < 3; ++n) Enqueue("a", n);
  Enqueue("b", 0);
  HttpOutbox outbox(db(), kTable, http_, clock_, Options());
  receiver_.FailNext(1);  // a:0 fails first: a:1 and a:2 must wait for it
  auto attempted = outbox.DeliverDue();
  ASSERT_TRUE(attempted.ok()) << attempted.error().message;
  EXPECT_EQ(receiver_.calls()["a"].size(), 0u);
  EXPECT_EQ(receiver_.calls()["b"], std::vector<int64_t>({0}));
  EXPECT_EQ(*outbox.Pending(), 3);
  ASSERT_TRUE(outbox.DeliverDue().ok());  // not due yet: nothing more
  EXPECT_EQ(receiver_.calls()["a"].size(), 0u);
  clock_.Advance(1);
  ASSERT_TRUE(outbox.DeliverDue().ok());
  EXPECT_EQ(receiver_.calls()["a"], std::vector<int64_t>({0, 1, 2}));
  EXPECT_EQ(*outbox.Pending(), 0);
}

// Three instances deliver one table at once: every event arrives exactly once
// (nobody dies, so no lease expires), each key in order.
TEST_P(OutboxTest, ConcurrentInstancesDeliverEachEventOnceInOrder) {
  constexpr int kKeys = 8, kPerKey = 5;
  for (int n = 0; n < kPerKey; ++n) {
    for (int k = 0; k < kKeys; ++k) Enqueue("k" + std::to_string(k), n);
  }
  std::vector<std::unique_ptr<Database>> dbs;
  std::vector<std::unique_ptr<HttpOutbox>> outboxes;
  for (int i = 0; i < 3; ++i) {
    dbs.push_back(store().Open());
    ASSERT_NE(dbs.back(), nullptr);
    outboxes.push_back(std::make_unique<HttpOutbox>(*dbs.back(), kTable, http_, clock_, Options()));
  }
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (auto& outbox : outboxes) {
    threads.emplace_back([&, o = outbox.get()] {
      for (int round = 0; round < 50; ++round) {
        auto pending = o->Pending();
        if (!pending.ok()) ++failures;
        if (!pending.ok() || *pending == 0) return;
        if (!o->DeliverDue().ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto calls = receiver_.calls();
  for (int k = 0; k < kKeys; ++k) {
    const std::string key = "k" + std::to_string(k);
    EXPECT_EQ(calls[key], std::vector<int64_t>({0, 1, 2, 3, 4})) << key;
  }
  for (const auto& [id, count] : receiver_.idempotency()) EXPECT_EQ(count, 1) << id;
}

// An instance killed after leasing an event holds it only until the lease
// expires; then another instance delivers it.
TEST_P(OutboxTest, ALeaseOfAKilledInstanceExpiresAndAnotherDelivers) {
  Enqueue("a", 0);
  Enqueue("a", 1);
  const int64_t lease_ms = 30'000;
  ASSERT_TRUE(db().Exec("UPDATE " + std::string(kTable) +
                        " SET lease_until_ms = " + std::to_string(clock_.NowMillis() + lease_ms) +
                        ", leased_by = 'killed' WHERE id = (SELECT MIN(id) FROM " + kTable + ")")
                  .ok());
  OutboxOptions o = Options();
  o.lease_ms = lease_ms;
  HttpOutbox outbox(db(), kTable, http_, clock_, o);
  ASSERT_TRUE(outbox.DeliverDue().ok());
  EXPECT_TRUE(receiver_.calls().empty());  // a:0 is leased, a:1 waits behind it
  clock_.Advance(lease_ms / 1000);
  ASSERT_TRUE(outbox.DeliverDue().ok());
  EXPECT_EQ(receiver_.calls()["a"], std::vector<int64_t>({0, 1}));
  EXPECT_EQ(QueryInt(db(), "SELECT COUNT(*) FROM test_outbox WHERE leased_by != ''"), 0);
}

VC_INSTANTIATE_BACKENDS(OutboxTest);

}  // namespace
}  // namespace vc::common
