// The guarded client against real local servers: what the policy refuses is
// never connected to (the listener counts), whatever name leads there; what
// it allows behaves like the plain client, without redirects; failures are
// told alike whatever the network did.
#include "common/http/guarded_http_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "common/http/http_server.h"
#include "tests/support/tcp_listener.h"

namespace vc::common {
namespace {

using testing::ClosedPort;
using testing::TcpListener;

OutboundPolicy AllowLoopback() {
  OutboundPolicy p;
  p.allow = {*IpRange::Parse("127.0.0.0/8"), *IpRange::Parse("::1")};
  return p;
}

std::string Url(uint16_t port, const std::string& host = "127.0.0.1") {
  return "http://" + host + ":" + std::to_string(port) + "/latest/meta-data/iam";
}

class GuardedHttpClientTest : public ::testing::Test {
 protected:
  CurlHttpClient network_;
  ManualClock clock_;
};

TEST_F(GuardedHttpClientTest, TheDefaultPolicyNeverConnectsToLoopbackByAnyName) {
  TcpListener metadata(TcpListener::Mode::kAnswer);
  GuardedHttpClient client(network_, OutboundPolicy{}, clock_);
  // A literal is refused before the network; names (and the numeric forms
  // curl would resolve) are refused at connect time, on the resolved address.
  for (const std::string host :
       {"127.0.0.1", "localhost", "[::ffff:127.0.0.1]", "2130706433", "0x7f.0.0.1", "127.1"}) {
    auto r = Get(client, Url(metadata.port(), host));
    ASSERT_FALSE(r) << host;
    EXPECT_EQ(r.error().code, "outbound_refused") << host;
    EXPECT_EQ(r.error().message.find(std::to_string(metadata.port())), std::string::npos);
  }
  EXPECT_EQ(metadata.connections(), 0);
}

TEST_F(GuardedHttpClientTest, AnAllowListedRangeIsReachedAndRedirectsAreNotFollowed) {
  HttpServer server;
  server.Route("GET", "/doc", [](const HttpServerRequest&) {
    return HttpServerResponse::Json(200, R"({"ok":true})");
  });
  server.Route("GET", "/moved", [](const HttpServerRequest&) {
    return HttpServerResponse::Redirect("http://169.254.169.254/latest/meta-data/");
  });
  server.Start();
  GuardedHttpClient client(network_, AllowLoopback(), clock_);
  auto ok = Get(client, server.BaseUrl() + "/doc");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->body, R"({"ok":true})");
  HttpRequest follow;
  follow.url = server.BaseUrl() + "/moved";
  follow.follow_redirects = true;  // asked, and still not followed
  auto moved = client.Send(follow);
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->status, 303);
}

TEST_F(GuardedHttpClientTest, ProductionRefusesPlainHttp) {
  TcpListener listener(TcpListener::Mode::kAnswer);
  OutboundPolicy policy = AllowLoopback();
  policy.https_only = true;
  GuardedHttpClient client(network_, policy, clock_);
  auto r = Get(client, Url(listener.port()));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "outbound_refused");
  EXPECT_EQ(listener.connections(), 0);
}

TEST_F(GuardedHttpClientTest, OpenAndClosedPortsFailAlikeAndTheHostIsThenLeftAlone) {
  TcpListener tarpit(TcpListener::Mode::kHold);
  ClosedPort closed;
  OutboundPolicy policy = AllowLoopback();
  policy.timeout_ms = 500;
  GuardedHttpClient client(network_, policy, clock_);
  auto held = Get(client, Url(tarpit.port()));
  auto refused = Get(client, Url(closed.port()));
  ASSERT_FALSE(held);
  ASSERT_FALSE(refused);
  EXPECT_EQ(held.error().code, refused.error().code);
  EXPECT_EQ(held.error().message, refused.error().message);
  EXPECT_EQ(held.error().code, "outbound_unreachable");
  // The negative cache: the tarpit is not connected to again for a minute.
  EXPECT_FALSE(Get(client, Url(tarpit.port())));
  EXPECT_EQ(tarpit.connections(), 1);
  clock_.Advance(61);
  EXPECT_FALSE(Get(client, Url(tarpit.port())));
  EXPECT_EQ(tarpit.connections(), 2);
}

TEST_F(GuardedHttpClientTest, ATarpitHoldsAtMostMaxPerHostConnections) {
  TcpListener tarpit(TcpListener::Mode::kHold);
  OutboundPolicy policy = AllowLoopback();
  policy.max_per_host = 2;
  policy.timeout_ms = 60'000;  // the tarpit is released by the test, not the timeout
  GuardedHttpClient client(network_, policy, clock_);
  std::atomic<int> refused{0};
  std::vector<std::thread> callers;
  for (int i = 0; i < 2; ++i) {
    callers.emplace_back([&] { (void)Get(client, Url(tarpit.port())); });
  }
  ASSERT_TRUE(tarpit.WaitFor(2));
  // Both slots are held by the tarpit: every further request is refused at once.
  for (int i = 0; i < 20; ++i) {
    auto r = Get(client, Url(tarpit.port()));
    if (!r && r.error().code == "outbound_unreachable") ++refused;
  }
  EXPECT_EQ(refused.load(), 20);
  EXPECT_EQ(tarpit.connections(), 2);
  tarpit.Release();
  for (auto& t : callers) t.join();
}

}  // namespace
}  // namespace vc::common
