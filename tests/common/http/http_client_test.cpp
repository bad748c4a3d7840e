#include "common/http/http_client.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "common/base/log.h"
#include "common/http/http_server.h"

namespace vc::common {
namespace {

// A port nothing listens on: bound (so the kernel picks a free one), never listened.
class ClosedPort {
 public:
  ClosedPort() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~ClosedPort() { ::close(fd_); }
  uint16_t port() const { return port_; }

 private:
  int fd_;
  uint16_t port_ = 0;
};

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Logger::Global().SetSink([this](std::string_view line) {
      if (line.find("http_shutdown_requests_abandoned") != std::string_view::npos)
        abandoned_ = true;
    });
    HttpServerOptions options;
    options.metrics = &metrics_;
    // The timeout test leaves a response for a client that has gone; Shutdown() must
    // not wait the grace period for it (the warning below would say so).
    options.shutdown_grace_ms = 2'000;
    server_ = std::make_unique<HttpServer>(options);
    server_->Route("GET", "/hello", [](const HttpServerRequest& r) {
      auto response = HttpServerResponse::Json(200, R"({"hello":"world"})");
      response.SetHeader("X-Echo", std::string(r.Header("x-test").value_or("")));
      return response;
    });
    server_->Route("POST", "/form", [](const HttpServerRequest& r) {
      auto form = ParseForm(r.body);
      if (!form.ok()) return HttpServerResponse::Text(400, "bad form");
      return HttpServerResponse::Text(200, std::string(form->Get("scope").value_or("")) + "|" +
                                               std::string(r.Header("content-type").value_or("")));
    });
    server_->Route("POST", "/json", [](const HttpServerRequest& r) {
      if (auto error = RequireJsonContentType(r)) return *error;
      return HttpServerResponse::Json(201, r.body);
    });
    server_->Route("GET", "/big", [](const HttpServerRequest&) {
      return HttpServerResponse::Text(200, std::string(100'000, 'x'));
    });
    server_->Route("GET", "/redirect",
                   [](const HttpServerRequest&) { return HttpServerResponse::Redirect("/hello"); });
    server_->Route("GET", "/loop",
                   [](const HttpServerRequest&) { return HttpServerResponse::Redirect("/loop"); });
    server_->Route("GET", "/block", [this](const HttpServerRequest&) {
      std::unique_lock lock(block_mu_);
      block_cv_.wait(lock, [this] { return released_; });
      return HttpServerResponse::Text(200, "late");
    });
    server_->Start();
  }

  void TearDown() override {
    {
      std::lock_guard lock(block_mu_);
      released_ = true;
    }
    block_cv_.notify_all();
    server_->Shutdown();
    Logger::Global().SetSink(nullptr);
    EXPECT_FALSE(abandoned_);
  }

  std::string Url(const std::string& path) const { return server_->BaseUrl() + path; }

  MetricsRegistry metrics_;
  std::unique_ptr<HttpServer> server_;
  CurlHttpClient client_;
  std::mutex block_mu_;
  std::condition_variable block_cv_;
  bool released_ = false;
  std::atomic<bool> abandoned_{false};
};

TEST_F(HttpClientTest, ReturnsStatusLowercasedHeadersAndBody) {
  auto r = Get(client_, Url("/hello"), {{"X-Test", "abc"}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"hello":"world"})");
  EXPECT_EQ(r->Header("Content-Type").value_or(""), "application/json");
  EXPECT_EQ(r->Header("x-echo").value_or(""), "abc");
  for (const auto& [name, value] : r->headers) {
    for (char c : name) EXPECT_FALSE(c >= 'A' && c <= 'Z') << name;
  }
}

TEST_F(HttpClientTest, ErrorStatusIsAValueNotAnError) {
  auto r = Get(client_, Url("/missing"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
}

TEST_F(HttpClientTest, PostsFormsAndJson) {
  auto form = PostForm(client_, Url("/form"),
                       {{"grant_type", "client_credentials"}, {"scope", "a b/.default"}});
  ASSERT_TRUE(form.ok());
  EXPECT_EQ(form->body, "a b/.default|application/x-www-form-urlencoded");
  auto json = PostJson(client_, Url("/json"), R"({"a":1})");
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(json->status, 201);
  EXPECT_EQ(json->body, R"({"a":1})");
}

TEST_F(HttpClientTest, TimesOutWithoutNamingTheQuery) {
  HttpRequest request;
  request.url = Url("/block?token=SECRET");
  request.timeout_ms = 200;
  auto r = client_.Send(request);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "timeout");
  EXPECT_NE(r.error().message.find("127.0.0.1"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("SECRET"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("/block"), std::string::npos) << r.error().message;
}

TEST_F(HttpClientTest, CapsResponseSize) {
  HttpRequest request;
  request.url = Url("/big");
  request.max_response_bytes = 1000;
  auto r = client_.Send(request);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "response_too_large");
  request.max_response_bytes = 100'000;
  EXPECT_TRUE(client_.Send(request).ok());
}

TEST_F(HttpClientTest, DoesNotFollowRedirectsByDefault) {
  auto r = Get(client_, Url("/redirect"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 303);
  EXPECT_EQ(r->Header("location").value_or(""), "/hello");
}

TEST_F(HttpClientTest, FollowsAtMostThreeRedirectsWhenAsked) {
  HttpRequest request;
  request.url = Url("/redirect");
  request.follow_redirects = true;
  auto r = client_.Send(request);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"hello":"world"})");
  EXPECT_FALSE(r->Header("location").has_value());  // headers of the final response only
  request.url = Url("/loop");
  auto loop = client_.Send(request);
  ASSERT_FALSE(loop.ok());
  EXPECT_EQ(loop.error().code, "too_many_redirects");
}

TEST_F(HttpClientTest, ConnectRefusedOnClosedPort) {
  ClosedPort closed;
  auto r = Get(client_, "http://127.0.0.1:" + std::to_string(closed.port()) + "/x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "connect_failed");
}

TEST_F(HttpClientTest, TlsToAPlainServerIsATlsError) {
  auto r = Get(client_, "https://127.0.0.1:" + std::to_string(server_->port()) + "/hello");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "tls_error") << r.error().message;
}

TEST_F(HttpClientTest, RefusesOtherSchemesAndBadRequests) {
  for (const char* url : {"ftp://127.0.0.1/x", "file:///etc/passwd", "gopher://127.0.0.1/",
                          "//127.0.0.1/x", "http://user@127.0.0.1/"}) {
    auto r = Get(client_, url);
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.error().code, "invalid_request") << url;
  }
  EXPECT_EQ(Get(client_, Url("/hello"), {{"X-A", "v\r\nX-Injected: 1"}}).error().code,
            "invalid_request");
  HttpRequest request;
  request.method = "TRACE";
  request.url = Url("/hello");
  EXPECT_EQ(client_.Send(request).error().code, "invalid_request");
}

}  // namespace
}  // namespace vc::common
