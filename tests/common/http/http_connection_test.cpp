// The HTTP/1.1 connection layer seen from a raw socket: pipelining, chunked
// bodies, 100-continue, limits, timeouts, slow readers, HEAD, and answers that
// arrive after their connection is gone. Named "Concurrent" so that CI also runs
// them under ThreadSanitizer: answers are written from other threads.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <mutex>
#include <thread>

#include "common/base/log.h"
#include "common/http/http_client.h"
#include "common/http/http_server.h"
#include "support/raw_http_client.h"

namespace vc::common {
namespace {

using testing::RawHttpConnection;

std::string BodyOf(const std::string& response) {
  const size_t at = response.find("\r\n\r\n");
  return at == std::string::npos ? "" : response.substr(at + 4);
}

class ConcurrentHttpConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Logger::Global().SetSink([](std::string_view) {});
  }
  void TearDown() override {
    {
      std::lock_guard lock(mu_);
      for (auto& r : held_) r(HttpServerResponse::Text(200, "late"));
      held_.clear();
    }
    if (server_) server_->Shutdown();
    Logger::Global().SetSink(nullptr);
  }

  void Start(HttpServerOptions options = {}) {
    options.threads = 1;
    options.metrics = &metrics_;
    server_ = std::make_unique<HttpServer>(options);
    server_->Route("GET", "/hello", [](const HttpServerRequest& r) {
      return HttpServerResponse::Text(200, "hello " + std::string(r.query.Get("n").value_or("")));
    });
    server_->Route("HEAD", "/hello",
                   [](const HttpServerRequest&) { return HttpServerResponse::Text(200, "xyz"); });
    server_->Route("POST", "/echo", [](const HttpServerRequest& r) {
      return HttpServerResponse::Text(200, r.body);
    });
    server_->Route("GET", "/big", [](const HttpServerRequest&) {
      return HttpServerResponse::Text(200, std::string(kBigBody, 'b'));
    });
    // Answered only when the test says so (or at teardown).
    server_->RouteAsync("GET", "/held", [this](const HttpServerRequest&, HttpResponder respond) {
      std::lock_guard lock(mu_);
      held_.push_back(std::move(respond));
      held_cv_.notify_all();
    });
    server_->Start();
  }

  HttpResponder TakeHeld() {
    std::unique_lock lock(mu_);
    held_cv_.wait(lock, [this] { return !held_.empty(); });
    HttpResponder r = held_.front();
    held_.erase(held_.begin());
    return r;
  }

  double OpenConnections() const {
    double v = 0;
    metrics_.AddGauge("http_connections_open", "Client connections open")
        .ForEach([&](const std::vector<std::string>&, const Gauge& g) { v = g.Value(); });
    return v;
  }

  static constexpr size_t kBigBody = 8 << 20;
  mutable MetricsRegistry metrics_;
  std::unique_ptr<HttpServer> server_;
  std::mutex mu_;
  std::condition_variable held_cv_;
  std::vector<HttpResponder> held_;
};

TEST_F(ConcurrentHttpConnectionTest, PipelinedRequestsAreAnsweredInOrder) {
  Start();
  RawHttpConnection conn(server_->port());
  ASSERT_TRUE(
      conn.Send("GET /held HTTP/1.1\r\nHost: t\r\n\r\n"
                "GET /hello?n=2 HTTP/1.1\r\nHost: t\r\n\r\n"
                "GET /hello?n=3 HTTP/1.1\r\nHost: t\r\n\r\n"));
  std::thread answer([this] { TakeHeld()(HttpServerResponse::Text(200, "first")); });
  EXPECT_EQ(BodyOf(conn.ReadResponse()), "first");
  EXPECT_EQ(BodyOf(conn.ReadResponse()), "hello 2");
  EXPECT_EQ(BodyOf(conn.ReadResponse()), "hello 3");
  answer.join();
}

TEST_F(ConcurrentHttpConnectionTest, AbsoluteFormTargetIsRoutedByItsPath) {
  Start();
  RawHttpConnection conn(server_->port());
  ASSERT_TRUE(conn.Send("GET http://t/hello?n=abs HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(BodyOf(conn.ReadResponse()), "hello abs");
}

TEST_F(ConcurrentHttpConnectionTest, ChunkedBodyIsAssembled) {
  Start();
  RawHttpConnection conn(server_->port());
  ASSERT_TRUE(
      conn.Send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
  EXPECT_EQ(BodyOf(conn.ReadResponse()), "hello world");
}

TEST_F(ConcurrentHttpConnectionTest, ExpectContinueIsAnsweredBeforeTheBody) {
  Start();
  RawHttpConnection conn(server_->port());
  ASSERT_TRUE(conn.Send(
      "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n"));
  EXPECT_EQ(conn.ReadHead(), "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(conn.Send("body"));
  const std::string response = conn.ReadResponse();
  EXPECT_EQ(response.rfind("HTTP/1.1 200 OK", 0), 0u) << response;
  EXPECT_EQ(BodyOf(response), "body");
}

TEST_F(ConcurrentHttpConnectionTest, DeclaredOversizeBodyIs413BeforeItIsSent) {
  HttpServerOptions options;
  options.max_request_bytes = 16;
  Start(options);
  RawHttpConnection conn(server_->port());
  ASSERT_TRUE(conn.Send(
      "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 17\r\nExpect: 100-continue\r\n\r\n"));
  const std::string response = conn.ReadResponse();
  EXPECT_EQ(response.rfind("HTTP/1.1 413 ", 0), 0u) << response;
  EXPECT_NE(response.find("\"request_too_large\""), std::string::npos);
  EXPECT_NE(response.find("Connection: close"), std::string::npos);
  EXPECT_TRUE(conn.ServerClosed());
}

TEST_F(ConcurrentHttpConnectionTest, OversizeHeadIs431AndCloses) {
  Start();
  RawHttpConnection conn(server_->port());
  ASSERT_TRUE(conn.Send("GET /hello HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(40'000, 'x') +
                        "\r\n\r\n"));
  const std::string response = conn.ReadResponse();
  EXPECT_EQ(response.rfind("HTTP/1.1 431 ", 0), 0u) << response.substr(0, 200);
  EXPECT_NE(response.find("\"headers_too_large\""), std::string::npos);
  EXPECT_TRUE(conn.ServerClosed());
}

TEST_F(ConcurrentHttpConnectionTest, MalformedRequestIs400AndCloses) {
  Start();
  for (std::string_view bad :
       {"GARBAGE\r\n\r\n", "GET /hello HTTP/1.1\r\nBad Header\r\n\r\n",
        "POST /echo HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc"}) {
    RawHttpConnection conn(server_->port());
    ASSERT_TRUE(conn.Send(bad));
    const std::string response = conn.ReadResponse();
    EXPECT_EQ(response.rfind("HTTP/1.1 400 ", 0), 0u) << bad << " -> " << response;
    EXPECT_NE(response.find("\"bad_request\""), std::string::npos);
    EXPECT_TRUE(conn.ServerClosed());
  }
}

TEST_F(ConcurrentHttpConnectionTest, RequestNotCompleteInTimeIs408) {
  HttpServerOptions options;
  options.request_timeout_ms = 100;
  Start(options);
  RawHttpConnection conn(server_->port());
  ASSERT_TRUE(conn.Send("GET /hello HTTP/1.1\r\nHost: t\r\n"));  // never finished
  const std::string response = conn.ReadResponse();
  EXPECT_EQ(response.rfind("HTTP/1.1 408 ", 0), 0u) << response;
  EXPECT_NE(response.find("\"request_timeout\""), std::string::npos);
  EXPECT_TRUE(conn.ServerClosed());
}

TEST_F(ConcurrentHttpConnectionTest, IdleConnectionIsClosedAfterTheKeepAliveTimeout) {
  HttpServerOptions options;
  options.keepalive_timeout_ms = 100;
  Start(options);
  RawHttpConnection conn(server_->port());
  ASSERT_TRUE(conn.Send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(BodyOf(conn.ReadResponse()), "hello ");
  EXPECT_TRUE(conn.ServerClosed());  // blocks until the server closes (5 s bound)
}

TEST_F(ConcurrentHttpConnectionTest, HeadAnswerHasLengthButNoBody) {
  Start();
  RawHttpConnection conn(server_->port());
  ASSERT_TRUE(conn.Send("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n"));
  const std::string head = conn.ReadHead();
  EXPECT_NE(head.find("Content-Length: 3\r\n"), std::string::npos) << head;
  // Nothing of the body was sent: the next answer starts right after the head.
  ASSERT_TRUE(conn.Send("GET /hello?n=next HTTP/1.1\r\nHost: t\r\n\r\n"));
  const std::string next = conn.ReadResponse();
  EXPECT_EQ(next.rfind("HTTP/1.1 200 OK", 0), 0u) << next.substr(0, 40);
  EXPECT_EQ(BodyOf(next), "hello next");
}

TEST_F(ConcurrentHttpConnectionTest, SlowReaderDoesNotHoldTheEventLoop) {
  Start();  // one event loop
  RawHttpConnection slow(server_->port());
  ASSERT_TRUE(slow.Send("GET /big HTTP/1.1\r\nHost: t\r\n\r\n"));
  // The 8 MiB answer does not fit in the socket buffers while nobody reads it;
  // the loop still serves others meanwhile.
  CurlHttpClient client;
  auto other = Get(client, server_->BaseUrl() + "/hello?n=meanwhile");
  ASSERT_TRUE(other.ok()) << other.error().message;
  EXPECT_EQ(other->body, "hello meanwhile");
  const std::string big = slow.ReadResponse();
  EXPECT_EQ(BodyOf(big).size(), kBigBody);
  EXPECT_EQ(BodyOf(big).find_first_not_of('b'), std::string::npos);
}

TEST_F(ConcurrentHttpConnectionTest, LateAnswerNeverReachesAnotherConnection) {
  Start();
  auto stale = std::make_unique<RawHttpConnection>(server_->port());
  ASSERT_TRUE(stale->Send("GET /held HTTP/1.1\r\nHost: t\r\n\r\n"));
  HttpResponder late = TakeHeld();
  stale->Close();
  // Wait until the server has seen the close (and may reuse the fd number).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (OpenConnections() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  ASSERT_EQ(OpenConnections(), 0);
  std::vector<std::unique_ptr<RawHttpConnection>> fresh;
  for (int i = 0; i < 4; ++i) {
    fresh.push_back(std::make_unique<RawHttpConnection>(server_->port()));
    ASSERT_TRUE(
        fresh.back()->Send("GET /hello?n=" + std::to_string(i) + " HTTP/1.1\r\nHost: t\r\n\r\n"));
    EXPECT_EQ(BodyOf(fresh.back()->ReadResponse()), "hello " + std::to_string(i));
  }
  late(HttpServerResponse::Text(200, "stale answer"));
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(fresh[i]->Send("GET /hello?n=again HTTP/1.1\r\nHost: t\r\n\r\n"));
    EXPECT_EQ(BodyOf(fresh[i]->ReadResponse()), "hello again") << "connection " << i;
  }
}

// ~800 idle connections from one client once took the server offline at a
// 1024-fd limit: one address gets at most max_connections_per_ip, others still
// get in, and a refused client is told why.
TEST_F(ConcurrentHttpConnectionTest, OneAddressCannotTakeEveryConnection) {
  HttpServerOptions options;
  options.max_connections_per_ip = 20;
  Start(options);
  std::vector<std::unique_ptr<RawHttpConnection>> flood;
  for (int i = 0; i < 20; ++i) {
    flood.push_back(std::make_unique<RawHttpConnection>(server_->port(), "127.0.0.7"));
    ASSERT_TRUE(flood.back()->Send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"));
    ASSERT_EQ(BodyOf(flood.back()->ReadResponse()), "hello ");  // admitted and served
  }
  RawHttpConnection one_more(server_->port(), "127.0.0.7");
  const std::string refused = one_more.ReadResponse();
  EXPECT_EQ(refused.rfind("HTTP/1.1 503 ", 0), 0u) << refused;
  EXPECT_NE(refused.find("\"too_many_connections\""), std::string::npos);
  EXPECT_NE(refused.find("Retry-After: 1"), std::string::npos);
  EXPECT_TRUE(one_more.ServerClosed());

  RawHttpConnection other(server_->port(), "127.0.0.8");
  ASSERT_TRUE(other.Send("GET /hello?n=other HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(BodyOf(other.ReadResponse()), "hello other");

  flood.pop_back();  // a closed connection frees its place
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (OpenConnections() > 20 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  RawHttpConnection again(server_->port(), "127.0.0.7");
  ASSERT_TRUE(again.Send("GET /hello?n=again HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(BodyOf(again.ReadResponse()), "hello again");
}

TEST_F(ConcurrentHttpConnectionTest, TotalLimitRefusesTheNextConnection) {
  HttpServerOptions options;
  options.max_connections = 3;
  options.max_connections_per_ip = 0;
  Start(options);
  std::vector<std::unique_ptr<RawHttpConnection>> open;
  for (int i = 0; i < 3; ++i) {
    open.push_back(std::make_unique<RawHttpConnection>(server_->port()));
    ASSERT_TRUE(open.back()->Send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"));
    ASSERT_FALSE(open.back()->ReadResponse().empty());
  }
  RawHttpConnection fourth(server_->port(), "127.0.0.9");
  const std::string refused = fourth.ReadResponse();
  EXPECT_EQ(refused.rfind("HTTP/1.1 503 ", 0), 0u) << refused;
  EXPECT_TRUE(fourth.ServerClosed());
}

// A connection that never sends a request is closed after the request
// timeout, not kept for the (longer) keep-alive timeout.
TEST_F(ConcurrentHttpConnectionTest, SilentNewConnectionIsClosedAfterTheRequestTimeout) {
  HttpServerOptions options;
  options.request_timeout_ms = 100;
  options.keepalive_timeout_ms = 600'000;
  Start(options);
  RawHttpConnection silent(server_->port());
  ASSERT_TRUE(silent.connected());
  EXPECT_TRUE(silent.ServerClosed());  // within the 5 s bound, long before 10 minutes
}

}  // namespace
}  // namespace vc::common
