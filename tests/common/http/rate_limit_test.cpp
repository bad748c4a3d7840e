// Token buckets (common/rate_limit.h) on a ManualClock, and the decorator over
// real HTTP on port 0.
#include "common/http/rate_limit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "common/base/json.h"
#include "common/http/http_client.h"
#include "common/http/http_server.h"

namespace vc::common {
namespace {

TEST(RateLimiter, BurstThenRefusedWithRetryAfter) {
  ManualClock clock;
  RateLimiter limiter({0.5, 3}, clock);  // one token every 2 s
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Acquire("1.2.3.4").allowed) << i;
  const auto refused = limiter.Acquire("1.2.3.4");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_seconds, 2);
  EXPECT_TRUE(limiter.Acquire("5.6.7.8").allowed);  // other keys are separate
}

TEST(RateLimiter, RefillsWithTimeUpToTheBurst) {
  ManualClock clock;
  RateLimiter limiter({1, 2}, clock);
  EXPECT_TRUE(limiter.Acquire("k").allowed);
  EXPECT_TRUE(limiter.Acquire("k").allowed);
  EXPECT_FALSE(limiter.Acquire("k").allowed);
  clock.Advance(1);
  EXPECT_TRUE(limiter.Acquire("k").allowed);
  EXPECT_FALSE(limiter.Acquire("k").allowed);
  clock.Advance(3600);  // a long idle time gives the burst back, not more
  EXPECT_TRUE(limiter.Acquire("k").allowed);
  EXPECT_TRUE(limiter.Acquire("k").allowed);
  EXPECT_FALSE(limiter.Acquire("k").allowed);
}

TEST(RateLimiter, ClockGoingBackMintsNothing) {
  ManualClock clock;
  RateLimiter limiter({1, 1}, clock);
  EXPECT_TRUE(limiter.Acquire("k").allowed);
  clock.Advance(-100);
  EXPECT_FALSE(limiter.Acquire("k").allowed);
  clock.Advance(1);
  EXPECT_TRUE(limiter.Acquire("k").allowed);
}

TEST(RateLimiter, ZeroRateIsDisabled) {
  ManualClock clock;
  RateLimiter limiter({0, 0}, clock);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter.Acquire("k").allowed);
  EXPECT_EQ(limiter.size(), 0u);
}

TEST(RateLimiter, MemoryIsBoundedByEvictingIdleThenOldestBuckets) {
  ManualClock clock;
  RateLimiter limiter({1, 5}, clock, 100);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(limiter.Acquire("idle" + std::to_string(i)).allowed);
  clock.Advance(10);  // all refilled: equivalent to absent, dropped first
  EXPECT_TRUE(limiter.Acquire("new").allowed);
  EXPECT_EQ(limiter.size(), 1u);
  for (int i = 0; i < 10'000; ++i) (void)limiter.Acquire("busy" + std::to_string(i));
  EXPECT_LE(limiter.size(), 100u);
  // The most recent keys are still limited: their buckets survived.
  for (int i = 0; i < 4; ++i) (void)limiter.Acquire("busy9999");
  EXPECT_FALSE(limiter.Acquire("busy9999").allowed);
}

TEST(RateLimiter, ConcurrentAcquiresGrantExactlyTheBurst) {
  ManualClock clock;
  RateLimiter limiter({1, 50}, clock);
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        if (limiter.Acquire("shared").allowed) ++allowed;
        (void)limiter.Acquire("own" + std::to_string(i));
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 50);
}

class RateLimitedHttp : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Route("POST", "/orgs/:org/go", [this](const HttpServerRequest&) {
      ++calls_;
      return HttpServerResponse::Json(200, "{}");
    });
    ASSERT_TRUE(server_.WrapRoute("POST", "/orgs/:org/go", [this](AsyncHttpHandler inner) {
      RateLimitRoute route{
          &per_ip_, &per_org_,
          [](const HttpServerRequest& r) { return std::string(r.PathParam("org")); }, nullptr};
      return RateLimited(std::move(inner), route);
    }));
    EXPECT_FALSE(server_.WrapRoute("GET", "/nothing", [](AsyncHttpHandler h) { return h; }));
    server_.Start();
  }
  Result<HttpResponse> Post(const std::string& org) {
    return PostJson(http_, server_.BaseUrl() + "/orgs/" + org + "/go", "{}");
  }

  ManualClock clock_;
  RateLimiter per_ip_{{1, 3}, clock_};
  RateLimiter per_org_{{1, 2}, clock_};
  HttpServer server_;
  CurlHttpClient http_;
  std::atomic<int> calls_{0};
};

TEST_F(RateLimitedHttp, PerOrgThenPerIpWith429AndRetryAfter) {
  EXPECT_EQ(Post("a")->status, 200);
  EXPECT_EQ(Post("a")->status, 200);
  auto refused = Post("a");  // org "a" has spent its burst of 2
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 429);
  EXPECT_EQ(refused->Header("retry-after").value_or(""), "1");
  auto body = ParseJsonObject(refused->body);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(GetString(*body, "error").value_or(""), "rate_limited");
  EXPECT_TRUE(GetString(*body, "message").has_value());
  // The IP (127.0.0.1) had a burst of 3 and spent all three above.
  EXPECT_EQ(Post("b")->status, 429);
  EXPECT_EQ(calls_.load(), 2);  // refused requests never reach the handler
  clock_.Advance(1);
  EXPECT_EQ(Post("b")->status, 200);
  EXPECT_EQ(calls_.load(), 3);
}

// The process's own calls (the issuer calling the embedded Request Service)
// were limited when its users' requests came in: neither limit applies again.
TEST_F(RateLimitedHttp, RequestsTheProcessSendsItselfAreExempt) {
  auto in_process = [this](const std::string& org) {
    HttpServerRequest r;
    r.method = "POST";
    r.path = "/orgs/" + org + "/go";
    r.remote_ip = "127.0.0.1";
    r.in_process = true;
    return server_.HandleInProcess(r).status;
  };
  // Four requests for four orgs: over the IP's burst of 3, but none is refused.
  for (const char* org : {"a", "b", "c", "d"}) EXPECT_EQ(in_process(org), 200) << org;
  // Nor past an org's burst.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(in_process("a"), 200) << i;
  EXPECT_EQ(Post("e")->status, 200);  // and the network IP's bucket is untouched
}

}  // namespace
}  // namespace vc::common
