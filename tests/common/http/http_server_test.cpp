#include "common/http/http_server.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "common/base/json.h"
#include "common/base/log.h"
#include "common/http/http_client.h"
#include "common/http/mscv.h"
#include "support/raw_http_client.h"

namespace vc::common {
namespace {

using testing::RawHttpConnection;

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Logger::Global().SetSink([this](std::string_view line) {
      std::lock_guard lock(log_mu_);
      log_.emplace_back(line);
    });
    HttpServerOptions options;
    options.max_request_bytes = 1024;
    options.metrics = &metrics_;
    server_ = std::make_unique<HttpServer>(options);
    AddRoutes();
    server_->Start();
    ASSERT_NE(server_->port(), 0);
  }

  void TearDown() override {
    server_->Shutdown();
    Logger::Global().SetSink(nullptr);
  }

  void AddRoutes() {
    server_->Route("GET", "/hello", [](const HttpServerRequest&) {
      return HttpServerResponse::Json(200, R"({"hello":"world"})");
    });
    server_->Route("GET", "/users/:owner/:name", [](const HttpServerRequest& r) {
      JsonWriter w;
      w->StartObject();
      w->Key("owner");
      w->String(std::string(r.PathParam("owner")));
      w->Key("name");
      w->String(std::string(r.PathParam("name")));
      w->EndObject();
      return HttpServerResponse::Json(200, w.str());
    });
    server_->Route("GET", "/users/admin/:name", [](const HttpServerRequest&) {
      return HttpServerResponse::Text(200, "admin route");
    });
    server_->Route("POST", "/echo", [](const HttpServerRequest& r) {
      if (auto error = RequireJsonContentType(r)) return *error;
      return HttpServerResponse::Json(200, r.body);
    });
    server_->Route("GET", "/boom", [](const HttpServerRequest&) -> HttpServerResponse {
      throw std::runtime_error("secret detail at /srv/internal/path.cpp:42");
    });
    server_->Route("GET", "/query", [](const HttpServerRequest& r) {
      return HttpServerResponse::Text(200, std::string(r.query.Get("token").value_or("-")));
    });
    server_->Route("GET", "/mscv", [](const HttpServerRequest& r) {
      return HttpServerResponse::Text(200, r.mscv);
    });
    server_->Route("GET", "/go", [](const HttpServerRequest&) {
      return HttpServerResponse::Redirect("https://contoso.example/done");
    });
  }

  std::string Url(const std::string& path) const { return server_->BaseUrl() + path; }

  HttpResponse Call(const std::string& method, const std::string& path, std::string body = {},
                    HttpHeaders headers = {}) {
    HttpRequest request;
    request.method = method;
    request.url = Url(path);
    request.body = std::move(body);
    request.headers = std::move(headers);
    auto response = client_.Send(request);
    EXPECT_TRUE(response.ok()) << response.error().message;
    return response.ok() ? *response : HttpResponse{};
  }

  std::vector<std::string> AccessLines() {
    std::lock_guard lock(log_mu_);
    std::vector<std::string> out;
    for (const auto& line : log_) {
      if (line.find("\"event\":\"http_access\"") != std::string::npos) out.push_back(line);
    }
    return out;
  }

  MetricsRegistry metrics_;
  std::unique_ptr<HttpServer> server_;
  CurlHttpClient client_;
  std::mutex log_mu_;
  std::vector<std::string> log_;
};

TEST_F(HttpServerTest, HealthzAnswersOkWithSecurityHeaders) {
  const auto r = Call("GET", "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"status":"ok"})");
  EXPECT_EQ(r.Header("content-type").value_or(""), "application/json");
  EXPECT_EQ(r.Header("x-content-type-options").value_or(""), "nosniff");
  EXPECT_EQ(r.Header("cache-control").value_or(""), "no-store");
  EXPECT_EQ(r.Header("referrer-policy").value_or(""), "no-referrer");
}

TEST_F(HttpServerTest, RoutesWithDecodedPathParams) {
  const auto r = Call("GET", "/users/contoso/alice%20b");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"owner":"contoso","name":"alice b"})");
}

TEST_F(HttpServerTest, LiteralSegmentsWinOverParams) {
  EXPECT_EQ(Call("GET", "/users/admin/bob").body, "admin route");
}

TEST_F(HttpServerTest, InvalidPercentEncodingInPathParamIs400) {
  const auto r = Call("GET", "/users/contoso/%zz");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("\"invalid_path\""), std::string::npos);
}

TEST_F(HttpServerTest, InvalidQueryIs400) {
  EXPECT_EQ(Call("GET", "/query?token=%g0").status, 400);
  EXPECT_EQ(Call("GET", "/query?token=a%20b").body, "a b");
}

TEST_F(HttpServerTest, UnknownPathIsJson404) {
  const auto r = Call("GET", "/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, R"({"error":"not_found","message":"No such resource."})");
  EXPECT_EQ(r.Header("content-type").value_or(""), "application/json");
  EXPECT_EQ(Call("GET", "/users/contoso").status, 404);
  EXPECT_EQ(Call("GET", "/hello/").status, 404);
}

TEST_F(HttpServerTest, WrongMethodIsJson405WithAllow) {
  const auto r = Call("POST", "/hello", "{}");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.Header("allow").value_or(""), "GET");
  EXPECT_NE(r.body.find("\"method_not_allowed\""), std::string::npos);
}

TEST_F(HttpServerTest, OversizeBodyIsJson413) {
  const auto ok = Call("POST", "/echo", "\"" + std::string(1022, 'a') + "\"",
                       {{"Content-Type", "application/json"}});
  EXPECT_EQ(ok.status, 200);
  const auto r =
      Call("POST", "/echo", std::string(1025, 'a'), {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(r.body.find("\"request_too_large\""), std::string::npos);
}

TEST_F(HttpServerTest, JsonEndpointRefusesOtherContentTypes) {
  EXPECT_EQ(Call("POST", "/echo", "{}", {{"Content-Type", "text/plain"}}).status, 415);
  EXPECT_EQ(
      Call("POST", "/echo", "{}", {{"Content-Type", "application/json; charset=utf-8"}}).status,
      200);
}

TEST_F(HttpServerTest, HandlerExceptionIsGeneric500) {
  const auto r = Call("GET", "/boom");
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("\"internal_error\""), std::string::npos);
  EXPECT_EQ(r.body.find("secret"), std::string::npos);
  EXPECT_EQ(r.body.find("internal/path"), std::string::npos);
  // The server keeps serving.
  EXPECT_EQ(Call("GET", "/hello").status, 200);
}

TEST_F(HttpServerTest, RedirectCarriesLocation) {
  const auto r = Call("GET", "/go");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.Header("location").value_or(""), "https://contoso.example/done");
}

TEST_F(HttpServerTest, MetricsCountRequestsByRouteAndClass) {
  Call("GET", "/hello");
  Call("GET", "/hello");
  Call("GET", "/nope");
  const auto r = Call("GET", "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.Header("content-type").value_or("").find("text/plain"), std::string::npos);
  EXPECT_NE(r.body.find("# TYPE http_requests_total counter"), std::string::npos);
  EXPECT_NE(r.body.find(R"(http_requests_total{method="GET",route="/hello",class="2xx"} 2)"),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find(R"(http_requests_total{method="any",route="unmatched",class="4xx"} 1)"),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find(R"(http_request_duration_seconds_count{method="GET",route="/hello"} 2)"),
            std::string::npos)
      << r.body;
}

TEST_F(HttpServerTest, AccessLogHasNoQueryString) {
  Call("GET", "/query?token=SECRET-TOKEN&x=1");
  const auto lines = AccessLines();
  ASSERT_EQ(lines.size(), 1u);
  auto doc = ParseJsonObject(lines[0].substr(0, lines[0].size() - 1));
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(GetString(*doc, "path").value_or(""), "/query");
  EXPECT_EQ(GetString(*doc, "method").value_or(""), "GET");
  EXPECT_EQ(GetInt64(*doc, "status").value_or(0), 200);
  EXPECT_EQ(GetInt64(*doc, "bytes").value_or(0), 12);
  EXPECT_EQ(GetString(*doc, "remote_ip").value_or(""), "127.0.0.1");
  EXPECT_TRUE(GetString(*doc, "mscv").has_value());
  EXPECT_TRUE(doc->HasMember("duration_ms"));
  EXPECT_EQ(lines[0].find("SECRET"), std::string::npos);
}

TEST_F(HttpServerTest, ExtendsAndEchoesIncomingCorrelationVector) {
  const auto r = Call("GET", "/mscv", {}, {{"MS-CV", "QbBLwF7XAp0dt4Lw.1"}});
  EXPECT_EQ(r.body, "QbBLwF7XAp0dt4Lw.1.0");
  EXPECT_EQ(r.Header("ms-cv").value_or(""), "QbBLwF7XAp0dt4Lw.1.0");
}

TEST_F(HttpServerTest, CreatesCorrelationVectorWhenMissingOrInvalid) {
  for (const HttpHeaders& headers : {HttpHeaders{}, HttpHeaders{{"ms-cv", "not a cv"}}}) {
    const auto r = Call("GET", "/mscv", {}, headers);
    EXPECT_TRUE(CorrelationVector::Parse(r.body).ok()) << r.body;
    EXPECT_EQ(r.Header("ms-cv").value_or(""), r.body);
  }
}

constexpr std::string_view kPlainGet = "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n";

TEST_F(HttpServerTest, Http11WithoutConnectionHeaderStaysOpen) {
  RawHttpConnection conn(server_->port());
  ASSERT_TRUE(conn.connected());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(conn.Send(kPlainGet));
    const std::string response = conn.ReadResponse();
    ASSERT_EQ(response.rfind("HTTP/1.1 200", 0), 0u) << "request " << i << ": " << response;
    EXPECT_EQ(response.find("Connection: Close"), std::string::npos) << response;
    EXPECT_EQ(response.find("Connection: close"), std::string::npos) << response;
  }
}

TEST_F(HttpServerTest, ConnectionCloseFromClientCloses) {
  RawHttpConnection conn(server_->port());
  ASSERT_TRUE(conn.Send("GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
  const std::string response = conn.ReadResponse();
  ASSERT_EQ(response.rfind("HTTP/1.1 200", 0), 0u) << response;
  EXPECT_NE(response.find("Connection: close"), std::string::npos) << response;
  EXPECT_TRUE(conn.ServerClosed());
}

TEST_F(HttpServerTest, Http10ClosesUnlessKeepAliveAsked) {
  RawHttpConnection plain(server_->port());
  ASSERT_TRUE(plain.Send("GET /hello HTTP/1.0\r\n\r\n"));
  EXPECT_NE(plain.ReadResponse().find("Connection: close"), std::string::npos);
  EXPECT_TRUE(plain.ServerClosed());

  RawHttpConnection keep(server_->port());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(keep.Send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    const std::string response = keep.ReadResponse();
    EXPECT_NE(response.find("Connection: keep-alive"), std::string::npos) << response;
  }
}

TEST_F(HttpServerTest, ShutdownStopsListeningAndIsIdempotent) {
  const uint16_t port = server_->port();
  ASSERT_EQ(Call("GET", "/healthz").status, 200);
  server_->Shutdown();
  server_->Shutdown();
  EXPECT_EQ(server_->port(), 0);
  RawHttpConnection conn(port);
  EXPECT_FALSE(conn.connected() && conn.Send(kPlainGet) && !conn.ReadResponse().empty());
}

TEST_F(HttpServerTest, ShutdownClosesIdleKeepAliveConnections) {
  RawHttpConnection conn(server_->port());
  ASSERT_TRUE(conn.Send(kPlainGet));
  ASSERT_FALSE(conn.ReadResponse().empty());
  server_->Shutdown();
  EXPECT_TRUE(conn.ServerClosed());
}

TEST(HttpServerSetupTest, RouteAfterStartIsRefused) {
  MetricsRegistry metrics;
  HttpServerOptions options;
  options.metrics = &metrics;
  HttpServer server(options);
  server.Start();
  EXPECT_THROW(server.Route("GET", "/late", nullptr), std::logic_error);
  EXPECT_THROW(HttpServer(options).Route("GET", "no-slash", nullptr), std::invalid_argument);
}

TEST(HttpServerSetupTest, BindFailureThrows) {
  MetricsRegistry metrics;
  HttpServerOptions options;
  options.metrics = &metrics;
  HttpServer first(options);
  first.Start();
  options.port = first.port();
  HttpServer second(options);
  EXPECT_THROW(second.Start(), std::runtime_error);
}

TEST(HttpServerSetupTest, ReservedPortIsHeldUntilStartThenServed) {
  MetricsRegistry metrics;
  HttpServerOptions options;
  options.metrics = &metrics;
  HttpServer server(options);
  server.Route("GET", "/ping",
               [](const HttpServerRequest&) { return HttpServerResponse::Text(200, "pong"); });
  const uint16_t port = server.ReservePort();
  ASSERT_NE(port, 0);
  EXPECT_EQ(server.ReservePort(), port);  // idempotent
  // Nobody else can take the port while it is reserved.
  HttpServerOptions other = options;
  other.port = port;
  HttpServer squatter(other);
  EXPECT_THROW(squatter.Start(), std::runtime_error);
  server.Start();
  EXPECT_EQ(server.port(), port);
  CurlHttpClient http;
  auto resp = Get(http, server.BaseUrl() + "/ping");
  ASSERT_TRUE(resp.ok()) << resp.error().message;
  EXPECT_EQ(resp->body, "pong");
  // A reserved server that never starts gives the port back.
  HttpServer unused(options);
  const uint16_t unused_port = unused.ReservePort();
  unused.Shutdown();
  other.port = unused_port;
  HttpServer after(other);
  EXPECT_NO_THROW(after.Start());
}

TEST(HttpServerShutdownTest, ConcurrentShutdownLetsARunningHandlerFinish) {
  MetricsRegistry metrics;
  HttpServerOptions options;
  options.metrics = &metrics;
  HttpServer server(options);
  std::mutex mu;
  std::condition_variable cv;
  bool entered = false;
  bool released = false;
  server.Route("GET", "/slow", [&](const HttpServerRequest&) {
    std::unique_lock lock(mu);
    entered = true;
    cv.notify_all();
    cv.wait(lock, [&] { return released; });
    return HttpServerResponse::Text(200, "finished");
  });
  server.Start();
  Logger::Global().SetSink([](std::string_view) {});
  CurlHttpClient client;
  Result<HttpResponse> response = MakeError("not_run", "");
  std::thread caller([&] { response = Get(client, server.BaseUrl() + "/slow"); });
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return entered; });
  }
  std::thread stopper([&] { server.Shutdown(); });
  {
    std::lock_guard lock(mu);
    released = true;
  }
  cv.notify_all();
  stopper.join();
  caller.join();
  Logger::Global().SetSink(nullptr);
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->body, "finished");
}

}  // namespace
}  // namespace vc::common
