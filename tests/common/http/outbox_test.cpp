// The outbox's metrics: deliveries by outcome, the queue depth and the age of
// the oldest waiting event, against a scripted receiver and a manual clock.
#include "common/http/outbox.h"

#include <gtest/gtest.h>

#include <deque>

namespace vc::common {
namespace {

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

double Sample(const std::string& text, const std::string& series) {
  const size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

class OutboxMetricsTest : public ::testing::Test {
 protected:
  OutboxMetricsTest() : db_(Database::Open(":memory:").value()) {
    EXPECT_TRUE(db_->Exec(OutboxTableSql("t_outbox")));
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
  ASSERT_EQ(*outbox_->DeliverDue(), 1);  // a again: 404, final
  EXPECT_EQ(Metric(d, ",outcome=\"failed\""), 1);
  EXPECT_EQ(Metric(d, ",outcome=\"delivered\""), 1);
  EXPECT_EQ(Metric("vc_outbox_queued"), 0);
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
