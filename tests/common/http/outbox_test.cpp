// The durable outbox against real receivers on port 0, with the clock driven
// by the test: outages of minutes and the 24-hour retry period pass in
// milliseconds. The worker test runs on real threads and time. Every case
// runs on both engines, then several instances deliver one table through
// leases. Then its metrics, against a scripted receiver.
#include "common/http/outbox.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/base/log.h"
#include "common/http/http_server.h"
#include "common/http/outbox_worker.h"
#include "common/store/migrations.h"
#include "support/store_queries.h"
#include "support/test_database.h"
#include "tests/support/tcp_listener.h"

namespace vc::common {
namespace {

using vc::testing::QueryInt;
using vc::testing::TestBackend;

constexpr const char* kTable = "test_outbox";

// A manual clock that also moves by milliseconds.
class TestClock final : public Clock {
 public:
  int64_t NowSeconds() const override { return millis_ / 1000; }
  int64_t NowMillis() const override { return millis_; }
  void Advance(int64_t seconds) { millis_ += seconds * 1000; }
  void AdvanceMillis(int64_t millis) { millis_ += millis; }

 private:
  std::atomic<int64_t> millis_{1'700'000'000'000};
};

double Sample(const std::string& text, const std::string& series) {
  const size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

// Records every POST; answers 503 while down, then the queued statuses, then 200.
class Receiver {
 public:
  Receiver() {
    server_.Route("POST", "/hook", [this](const HttpServerRequest& req) {
      std::lock_guard lock(mu_);
      const std::string key(req.Header("idempotency-key").value_or(""));
      int status = down_ ? 503 : 200;
      if (!down_ && !answers_.empty()) {
        status = answers_.front();
        answers_.pop_front();
      }
      attempts_.push_back(key);
      if (status < 300) delivered_.push_back(key);
      cv_.notify_all();
      return HttpServerResponse::Json(status, "{}");
    });
    server_.Start();
  }
  std::string url() const { return server_.BaseUrl() + "/hook"; }
  void SetDown(bool down) {
    std::lock_guard lock(mu_);
    down_ = down;
  }
  void AnswerNext(int status) {
    std::lock_guard lock(mu_);
    answers_.push_back(status);
  }
  std::vector<std::string> attempts() {
    std::lock_guard lock(mu_);
    return attempts_;
  }
  std::vector<std::string> delivered() {
    std::lock_guard lock(mu_);
    return delivered_;
  }
  bool WaitForDelivered(size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(20), [&] { return delivered_.size() >= n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool down_ = false;
  std::deque<int> answers_;
  std::vector<std::string> attempts_, delivered_;
  HttpServer server_;
};

// Parameterised by engine: the table's three migrations in each engine's form.
class OutboxTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  OutboxTest() : store_(vc::testing::UsableBackend(GetParam())), db_(store_.Open()) {
    const Engine sqlite = Engine::kSqlite, pg = Engine::kPostgresql;
    EXPECT_TRUE(ApplyMigrations(
        *db_, "outbox_test",
        {{1, "create", OutboxTableSql(kTable, sqlite), OutboxTableSql(kTable, pg)},
         {2, "states", OutboxUpgradeSql(kTable, sqlite), OutboxUpgradeSql(kTable, pg)},
         {3, "leases", OutboxLeaseSql(kTable, sqlite), OutboxLeaseSql(kTable, pg)}}));
    Logger::Global().SetSink([this](std::string_view line) {
      std::lock_guard lock(log_mu_);
      log_.emplace_back(line);
    });
  }
  ~OutboxTest() override { Logger::Global().SetSink(nullptr); }
  void SetUp() override { VC_SKIP_WITHOUT_BACKEND(GetParam()); }

  std::unique_ptr<HttpOutbox> Outbox(OutboxOptions options = {}) {
    return std::make_unique<HttpOutbox>(*db_, kTable, http_, clock_, options, name_);
  }

  void Enqueue(const std::string& key, const std::string& url, const std::string& event,
               const Clock* clock = nullptr) {
    const int64_t now = (clock ? *clock : static_cast<const Clock&>(clock_)).NowMillis();
    ASSERT_TRUE(db_->Transaction([&](Connection& c) {
      return HttpOutbox::Enqueue(c, kTable, key, url, {{"Idempotency-Key", key + ":" + event}},
                                 R"({"event":")" + event + R"("})", now);
    }));
  }

  std::vector<OutboxEvent> Events(std::optional<OutboxState> state = std::nullopt) {
    auto events = outbox_store::List(*db_, kTable, state, 100);
    EXPECT_TRUE(events);
    return events ? *events : std::vector<OutboxEvent>{};
  }

  int LogLines(const std::string& event) {
    std::lock_guard lock(log_mu_);
    int n = 0;
    for (const auto& line : log_) n += line.find("\"" + event + "\"") != std::string::npos;
    return n;
  }

  // The value of `metric` for this test's outbox; -1 if absent.
  double Metric(const std::string& metric, const std::string& extra = "") {
    return Sample(MetricsRegistry::Global().RenderPrometheus(),
                  metric + "{outbox=\"" + name_ + "\"" + extra + "}");
  }

  vc::testing::TestDatabase store_;
  std::unique_ptr<Database> db_;
  TestClock clock_;
  CurlHttpClient http_;
  // Unique per test: the registry is the process's.
  const std::string name_ =
      std::string("test_") + ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::mutex log_mu_;
  std::vector<std::string> log_;
};

TEST_P(OutboxTest, EveryEventArrivesAfterAFiveMinuteOutageWithItsIdempotencyKey) {
  Receiver receiver;
  auto outbox = Outbox();
  receiver.SetDown(true);
  for (const char* id : {"r1", "r2", "r3"}) Enqueue(id, receiver.url(), "issuance_successful");
  for (int second = 0; second <= 300; second += 5) {
    ASSERT_TRUE(outbox->DeliverDue());
    clock_.Advance(5);
  }
  EXPECT_TRUE(receiver.delivered().empty());
  EXPECT_GE(receiver.attempts().size(), 3u * 6);  // retried throughout, 1 s, 2 s, 4 s …
  EXPECT_EQ(*outbox->Pending(), 3);
  receiver.SetDown(false);
  // The next attempt is at most one backoff (≤ 2^9 s here) away.
  for (int i = 0; i < 120 && *outbox->Pending() > 0; ++i) {
    clock_.Advance(5);
    ASSERT_TRUE(outbox->DeliverDue());
  }
  const std::vector<std::string> expected = {"r1:issuance_successful", "r2:issuance_successful",
                                             "r3:issuance_successful"};
  auto delivered = receiver.delivered();
  std::sort(delivered.begin(), delivered.end());
  EXPECT_EQ(delivered, expected);
  for (const auto& key : receiver.attempts()) {
    EXPECT_TRUE(std::find(expected.begin(), expected.end(), key) != expected.end()) << key;
  }
  EXPECT_EQ(Events(OutboxState::kDelivered).size(), 3u);
  EXPECT_GE(LogLines("outbox_retry"), 18);
  EXPECT_EQ(LogLines("outbox_delivered"), 3);
  EXPECT_EQ(Metric("vc_outbox_deliveries_total", R"(,outcome="delivered")"), 3);
}

TEST_P(OutboxTest, AfterTheRetryPeriodAnEventIsADeadLetterUntilAnOperatorRetriesIt) {
  Receiver receiver;
  auto outbox = Outbox();  // the default retry period: 24 h
  receiver.SetDown(true);
  Enqueue("r1", receiver.url(), "presentation_verified");
  for (int hour = 0; hour < 23; ++hour) {
    for (int i = 0; i < 12; ++i) {
      clock_.Advance(300);
      ASSERT_TRUE(outbox->DeliverDue());
    }
  }
  EXPECT_EQ(*outbox->Pending(), 1);  // still tried after 23 h
  EXPECT_EQ(LogLines("outbox_dead_letter"), 0);
  for (int i = 0; i < 24; ++i) {
    clock_.Advance(300);
    ASSERT_TRUE(outbox->DeliverDue());
  }
  auto dead = Events(OutboxState::kDead);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].outcome, "503");
  EXPECT_EQ(*outbox->Pending(), 0);
  EXPECT_EQ(LogLines("outbox_dead_letter"), 1);
  ASSERT_EQ(*outbox->Maintain(), 0);  // keeps dead letters
  EXPECT_EQ(Metric("vc_outbox_dead_letters"), 1);
  EXPECT_EQ(Metric("vc_outbox_queued"), 0);
  clock_.Advance(30 * 86'400);
  ASSERT_TRUE(outbox->Maintain());
  ASSERT_EQ(Events(OutboxState::kDead).size(), 1u);
  // The receiver is fixed; the operator retries (vcctl outbox retry).
  receiver.SetDown(false);
  ASSERT_EQ(*outbox_store::Retry(*db_, kTable, dead[0].id, clock_.NowMillis()), 1);
  ASSERT_TRUE(outbox->DeliverDue());
  EXPECT_EQ(receiver.delivered(), std::vector<std::string>{"r1:presentation_verified"});
}

TEST_P(OutboxTest, ARefusalIsDeadLetteredAtOnceAndTransientAnswersAreRetried) {
  Receiver receiver;
  auto outbox = Outbox();
  receiver.AnswerNext(429);
  receiver.AnswerNext(408);
  receiver.AnswerNext(401);  // e.g. a wrong api-key: the operator must see it
  Enqueue("r1", receiver.url(), "request_retrieved");
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(outbox->DeliverDue());
    clock_.Advance(10);
  }
  EXPECT_EQ(receiver.attempts().size(), 3u);
  auto dead = Events(OutboxState::kDead);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].outcome, "401");
  EXPECT_EQ(dead[0].attempts, 3);
  EXPECT_EQ(LogLines("outbox_dead_letter"), 1);
}

TEST_P(OutboxTest, LaterEventsOfAKeyWaitForEarlierOnesButOtherKeysDoNot) {
  Receiver receiver;
  auto outbox = Outbox();
  receiver.AnswerNext(503);
  Enqueue("r1", receiver.url(), "request_retrieved");
  Enqueue("r1", receiver.url(), "issuance_successful");
  Enqueue("r2", receiver.url(), "request_retrieved");
  ASSERT_TRUE(outbox->DeliverDue());
  EXPECT_EQ(receiver.delivered(), std::vector<std::string>{"r2:request_retrieved"});
  clock_.Advance(1);
  ASSERT_TRUE(outbox->DeliverDue());
  EXPECT_EQ(receiver.delivered(),
            (std::vector<std::string>{"r2:request_retrieved", "r1:request_retrieved",
                                      "r1:issuance_successful"}));
}

TEST_P(OutboxTest, AnUnreachableReceiverIsProbedByOneEventAtATime) {
  testing::ClosedPort closed;
  auto outbox = Outbox();
  const std::string url = "http://127.0.0.1:" + std::to_string(closed.port()) + "/hook";
  for (const char* id : {"r1", "r2", "r3"}) Enqueue(id, url, "issuance_successful");
  ASSERT_EQ(*outbox->DeliverDue(), 1);  // the others are spared the wait
  ASSERT_EQ(*outbox->DeliverDue(), 0);  // paused until the first one's retry
  clock_.Advance(1);
  ASSERT_EQ(*outbox->DeliverDue(), 1);
  // A new event is a reason to try the receiver again.
  clock_.AdvanceMillis(1);
  Enqueue("r4", url, "issuance_successful");
  ASSERT_EQ(*outbox->DeliverDue(), 1);
  // At the end of the retry period every event is a dead letter, tried or not.
  clock_.Advance(86'400);
  ASSERT_TRUE(outbox->DeliverDue());
  ASSERT_TRUE(outbox->DeliverDue());
  EXPECT_EQ(Events(OutboxState::kDead).size(), 4u);
}

TEST_P(OutboxTest, DeliveredEventsAreKeptForTheRetentionThenPurged) {
  Receiver receiver;
  OutboxOptions options;
  options.retention_seconds = 3600;
  auto outbox = Outbox(options);
  Enqueue("r1", receiver.url(), "request_retrieved");
  ASSERT_TRUE(outbox->DeliverDue());
  clock_.Advance(3599);
  EXPECT_EQ(*outbox->Maintain(), 0);
  clock_.Advance(2);
  EXPECT_EQ(*outbox->Maintain(), 1);
  EXPECT_TRUE(Events().empty());
}

TEST_P(OutboxTest, AReceiverThatNeverAnswersDoesNotDelayTheOthers) {
  testing::TcpListener tarpit(testing::TcpListener::Mode::kHold);
  Receiver good;
  SystemClock clock;
  OutboxOptions options;
  options.timeout_ms = 120'000;  // the tarpit would hold a sequential outbox for minutes
  HttpOutbox outbox(*db_, kTable, http_, clock, options, name_);
  const std::string stuck = "http://127.0.0.1:" + std::to_string(tarpit.port()) + "/hook";
  for (const char* id : {"s1", "s2", "s3"}) Enqueue(id, stuck, "presentation_verified", &clock);
  Enqueue("g1", good.url(), "presentation_verified", &clock);
  {
    OutboxWorker worker(outbox, {500, 2, 60'000});
    worker.Notify();
    ASSERT_TRUE(tarpit.WaitFor(1));
    EXPECT_TRUE(good.WaitForDelivered(1));
    EXPECT_EQ(good.delivered(), std::vector<std::string>{"g1:presentation_verified"});
    EXPECT_EQ(tarpit.connections(), 1);  // one attempt under way, the other two wait
    tarpit.Release();                    // lets the worker stop
  }
  EXPECT_EQ(*outbox.Pending(), 3);
}

// Three instances deliver one table at once: every event arrives exactly once
// (nobody dies, so no lease expires), each key in order.
TEST_P(OutboxTest, ConcurrentInstancesDeliverEachEventOnceInOrder) {
  constexpr int kKeys = 8, kPerKey = 5;
  Receiver receiver;
  for (int n = 0; n < kPerKey; ++n) {
    for (int k = 0; k < kKeys; ++k)
      Enqueue("k" + std::to_string(k), receiver.url(), std::to_string(n));
  }
  std::vector<std::unique_ptr<Database>> dbs;
  std::vector<std::unique_ptr<HttpOutbox>> outboxes;
  for (int i = 0; i < 3; ++i) {
    dbs.push_back(store_.Open());
    ASSERT_NE(dbs.back(), nullptr);
    outboxes.push_back(
        std::make_unique<HttpOutbox>(*dbs.back(), kTable, http_, clock_, OutboxOptions{}, name_));
  }
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (auto& outbox : outboxes) {
    threads.emplace_back([&, o = outbox.get()] {
      for (int round = 0; round < 100; ++round) {
        auto pending = o->Pending();
        if (!pending.ok()) ++failures;
        if (!pending.ok() || *pending == 0) return;
        if (!o->DeliverDue().ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(receiver.attempts(), receiver.delivered());  // nothing sent twice or refused
  std::map<std::string, std::vector<std::string>> by_key;
  for (const auto& id : receiver.delivered()) {
    by_key[id.substr(0, id.find(':'))].push_back(id.substr(id.find(':') + 1));
  }
  ASSERT_EQ(by_key.size(), static_cast<size_t>(kKeys));
  for (const auto& [key, events] : by_key) {
    EXPECT_EQ(events, (std::vector<std::string>{"0", "1", "2", "3", "4"})) << key;
  }
}

// An instance killed after claiming an event holds it only until the lease
// expires; then another instance delivers it, and the key's later events.
TEST_P(OutboxTest, ALeaseOfAKilledInstanceExpiresAndAnotherDelivers) {
  Receiver receiver;
  Enqueue("a", receiver.url(), "0");
  Enqueue("a", receiver.url(), "1");
  const int64_t lease_ms = 30'000;
  ASSERT_TRUE(db_->Exec("UPDATE " + std::string(kTable) +
                        " SET lease_until_ms = " + std::to_string(clock_.NowMillis() + lease_ms) +
                        ", leased_by = 'killed' WHERE id = (SELECT MIN(id) FROM " + kTable + ")"));
  OutboxOptions options;
  options.lease_ms = lease_ms;
  auto outbox = Outbox(options);
  ASSERT_EQ(*outbox->DeliverDue(), 0);  // a:0 is held, a:1 waits behind it
  EXPECT_TRUE(receiver.attempts().empty());
  clock_.Advance(lease_ms / 1000);
  ASSERT_EQ(*outbox->DeliverDue(), 2);
  EXPECT_EQ(receiver.delivered(), (std::vector<std::string>{"a:0", "a:1"}));
  EXPECT_EQ(QueryInt(*db_, "SELECT COUNT(*) FROM test_outbox WHERE leased_by != ''"), 0);
}

// The holder whose lease ran out and was taken over does not record over the
// new holder: the event stays the new holder's.
TEST_P(OutboxTest, AnExpiredHolderCannotRecordOverTheNextOne) {
  Receiver receiver;
  Enqueue("a", receiver.url(), "0");
  auto events = Events();
  ASSERT_EQ(events.size(), 1u);
  const int64_t now = clock_.NowMillis();
  ASSERT_TRUE(*outbox_store::Claim(*db_, kTable, events[0], "first", now + 1000, now));
  EXPECT_FALSE(*outbox_store::Claim(*db_, kTable, events[0], "second", now + 1000, now));
  clock_.Advance(2);
  const int64_t later = clock_.NowMillis();
  ASSERT_TRUE(*outbox_store::Claim(*db_, kTable, events[0], "second", later + 1000, later));
  Status late = outbox_store::Record(
      *db_, kTable, {events[0].id, 1, OutboxState::kDelivered, "200", later, later, "first"});
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, kOutboxLeaseLost);
  ASSERT_TRUE(outbox_store::Record(
      *db_, kTable, {events[0].id, 1, OutboxState::kDelivered, "200", later, later, "second"}));
  EXPECT_EQ(Events(OutboxState::kDelivered).size(), 1u);
}

VC_INSTANTIATE_BACKENDS(OutboxTest);

// Answers with the statuses it is given, in order (then 200).
class ScriptedReceiver final : public HttpClient {
 public:
  std::deque<int> statuses;
  Result<HttpResponse> Send(const HttpRequest&) override {
    HttpResponse r;
    r.status = statuses.empty() ? 200 : statuses.front();
    if (!statuses.empty()) statuses.pop_front();
    return r;
  }
};

class OutboxMetricsTest : public ::testing::Test {
 protected:
  OutboxMetricsTest() : db_(Database::Open(":memory:").value()) {
    EXPECT_TRUE(db_->Exec(OutboxTableSql("t_outbox") + OutboxUpgradeSql("t_outbox") +
                          OutboxLeaseSql("t_outbox")));
    outbox_ =
        std::make_unique<HttpOutbox>(*db_, "t_outbox", receiver_, clock_, OutboxOptions{}, name_);
  }
  void Enqueue(const std::string& key) {
    ASSERT_TRUE(db_->Transaction([&](Connection& c) {
      return HttpOutbox::Enqueue(c, "t_outbox", key, "http://receiver/cb", {}, "{}",
                                 clock_.NowMillis());
    }));
  }
  double Metric(const std::string& metric, const std::string& extra = "") {
    return Sample(MetricsRegistry::Global().RenderPrometheus(),
                  metric + "{outbox=\"" + name_ + "\"" + extra + "}");
  }

  // Unique per test: the registry is the process's.
  const std::string name_ =
      std::string("test_") + ::testing::UnitTest::GetInstance()->current_test_info()->name();
  ManualClock clock_;
  ScriptedReceiver receiver_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<HttpOutbox> outbox_;
};

TEST_F(OutboxMetricsTest, CountsDeliveriesRetriesAndFinalFailures) {
  receiver_.statuses = {503, 200, 404};
  Enqueue("a");
  Enqueue("b");
  ASSERT_EQ(*outbox_->DeliverDue(), 2);  // a: 503 (retry), b: 200
  const std::string d = "vc_outbox_deliveries_total";
  EXPECT_EQ(Metric(d, ",outcome=\"retry\""), 1);
  EXPECT_EQ(Metric(d, ",outcome=\"delivered\""), 1);
  EXPECT_EQ(Metric("vc_outbox_queued"), 1);
  clock_.Advance(1);
  ASSERT_EQ(*outbox_->DeliverDue(), 1);  // a again: 404, a dead letter
  EXPECT_EQ(Metric(d, ",outcome=\"failed\""), 1);
  EXPECT_EQ(Metric(d, ",outcome=\"delivered\""), 1);
  EXPECT_EQ(Metric("vc_outbox_queued"), 0);
  EXPECT_EQ(Metric("vc_outbox_dead_letters"), 1);
  EXPECT_EQ(Metric("vc_outbox_oldest_age_seconds"), 0);
}

TEST_F(OutboxMetricsTest, TheOldestWaitingEventAgesUntilDelivered) {
  receiver_.statuses = {500, 500, 500};
  Enqueue("a");
  ASSERT_EQ(*outbox_->DeliverDue(), 1);  // attempt 1 fails: due again in 1 s
  clock_.Advance(1);
  ASSERT_EQ(*outbox_->DeliverDue(), 1);  // attempt 2 fails: due again in 2 s
  clock_.Advance(30);                    // nothing runs meanwhile; the age still grows
  EXPECT_EQ(Metric("vc_outbox_queued"), 1);
  EXPECT_EQ(Metric("vc_outbox_oldest_age_seconds"), 31);
  ASSERT_EQ(*outbox_->DeliverDue(), 1);  // 500 again
  ASSERT_EQ(*outbox_->DeliverDue(), 0);  // not due yet
  clock_.Advance(4);
  ASSERT_EQ(*outbox_->DeliverDue(), 1);  // 200: delivered
  EXPECT_EQ(Metric("vc_outbox_queued"), 0);
  EXPECT_EQ(Metric("vc_outbox_oldest_age_seconds"), 0);
  EXPECT_EQ(Metric("vc_outbox_deliveries_total", ",outcome=\"retry\""), 3);
}

TEST_F(OutboxMetricsTest, ItsCollectorGoesWithIt) {
  outbox_.reset();
  // Rendering after the outbox is gone must not touch it.
  EXPECT_GE(Metric("vc_outbox_oldest_age_seconds"), 0);
}

}  // namespace
}  // namespace vc::common
