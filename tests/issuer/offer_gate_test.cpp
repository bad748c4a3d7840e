#include "issuer/offer_gate.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/base/clock.h"
#include "issuer/issuance_store.h"
#include "support/test_database.h"

namespace vc::testing {
namespace {

using issuer::GateRefusal;

// On both engines: on PostgreSQL the concurrent opens race on one row.
class OfferGateTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(issuer::IssuanceStore::Migrate(db()).ok());
    gate_ = std::make_unique<issuer::OfferGate>(db(), clock_, issuer::OfferLimits{2, 3600, 120});
  }
  // "" when `holder` took the gate, else "live:<holder>" or "limit".
  std::string Open(const std::string& holder) {
    auto r = gate_->Open("org/user", holder);
    EXPECT_TRUE(r.ok());
    if (!r.ok() || !*r) return "";
    return (*r)->reason == GateRefusal::kLive ? "live:" + (*r)->holder : "limit";
  }

  common::ManualClock clock_;
  std::unique_ptr<issuer::OfferGate> gate_;
};

TEST_P(OfferGateTest, OneLiveOfferUntilItEndsOrExpires) {
  EXPECT_EQ(Open("is_1"), "");
  EXPECT_EQ(Open("is_2"), "live:is_1");
  ASSERT_TRUE(gate_->Hold("org/user", "is_1", clock_.NowSeconds() + 300).ok());
  clock_.Advance(200);  // past the reservation, not the offer's expiry
  EXPECT_EQ(Open("is_2"), "live:is_1");
  ASSERT_TRUE(gate_->Release("org/user", "is_1", false).ok());
  EXPECT_EQ(Open("is_2"), "");
  clock_.Advance(121);  // is_2 was never held: its reservation lapses
  EXPECT_EQ(Open("is_3"), "limit");
}

TEST_P(OfferGateTest, ALimitPerWindowAndFailedCreationsAreNotCounted) {
  EXPECT_EQ(Open("is_1"), "");
  ASSERT_TRUE(gate_->Release("org/user", "is_1", true).ok());  // the Request Service refused
  EXPECT_EQ(Open("is_2"), "");
  ASSERT_TRUE(gate_->Release("org/user", "is_2", false).ok());
  EXPECT_EQ(Open("is_3"), "");
  ASSERT_TRUE(gate_->Release("org/user", "is_3", false).ok());
  EXPECT_EQ(Open("is_4"), "limit");
  clock_.Advance(3600);
  EXPECT_EQ(Open("is_4"), "");
  // A former holder's release changes nothing.
  ASSERT_TRUE(gate_->Release("org/user", "is_3", false).ok());
  EXPECT_EQ(Open("is_5"), "live:is_4");
}

// Presses on several instances at once (each its own Database: its own
// writer connection on PostgreSQL), the gate not yet created.
TEST_P(OfferGateTest, ConcurrentOpensAdmitOne) {
  constexpr int kInstances = 4;
  std::vector<std::unique_ptr<common::Database>> dbs;
  std::vector<std::unique_ptr<issuer::OfferGate>> gates;
  for (int i = 0; i < kInstances; ++i) {
    dbs.push_back(store().Open());
    ASSERT_NE(dbs.back(), nullptr);
    gates.push_back(std::make_unique<issuer::OfferGate>(*dbs.back(), clock_,
                                                        issuer::OfferLimits{2, 3600, 120}));
  }
  std::atomic<int> admitted{0}, failed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] {
      auto r = gates[i % kInstances]->Open("org/user", "is_" + std::to_string(i));
      if (!r.ok()) ++failed;
      if (r.ok() && !*r) ++admitted;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(admitted.load(), 1);
}

VC_INSTANTIATE_BACKENDS(OfferGateTest);

}  // namespace
}  // namespace vc::testing
