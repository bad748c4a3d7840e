// Calls to this process's own URL are served in process, so a handler can call
// another component of the same listener without waiting for its own thread.
#include "server/loopback_http_client.h"

#include <gtest/gtest.h>

namespace vc::testing {
namespace {

TEST(LoopbackHttpClient, AHandlerCanCallItsOwnServerWithOneThread) {
  common::HttpServerOptions options;
  options.threads = 1;  // over a socket, /outer would wait for itself until the timeout
  common::HttpServer server(options);
  common::CurlHttpClient network;
  server::LoopbackHttpClient loopback(network, server);
  server.Route("GET", "/inner/:name", [](const common::HttpServerRequest& req) {
    return common::HttpServerResponse::Json(
        200, "{\"name\":\"" + std::string(req.PathParam("name")) + "\",\"q\":\"" +
                 std::string(req.query.Get("q").value_or("")) + "\"}");
  });
  server.Route("GET", "/outer", [&](const common::HttpServerRequest&) {
    common::HttpRequest inner;
    inner.url = server.BaseUrl() + "/inner/a%20b?q=1";
    inner.timeout_ms = 2000;
    auto r = loopback.Send(inner);
    return r ? common::HttpServerResponse::Json(static_cast<int>(r->status), r->body)
             : common::HttpServerResponse::JsonError(502, r.error().code, r.error().message);
  });
  server.Start();
  loopback.SetBaseUrl(server.BaseUrl());
  auto r = common::Get(network, server.BaseUrl() + "/outer");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"name":"a b","q":"1"})");

  common::HttpRequest missing;
  missing.url = server.BaseUrl() + "/nowhere";
  EXPECT_EQ(loopback.Send(missing)->status, 404);
  common::HttpRequest wrong_method;
  wrong_method.method = "POST";
  wrong_method.url = server.BaseUrl() + "/outer";
  EXPECT_EQ(loopback.Send(wrong_method)->status, 405);
  auto direct =
      loopback.Send(common::HttpRequest{"GET", server.BaseUrl() + "/inner/x", {}, "", 1000});
  EXPECT_EQ(direct->Header("content-type").value_or(""), "application/json");
  server.Shutdown();
}

TEST(LoopbackHttpClient, OtherUrlsGoOverTheNetwork) {
  common::HttpServer other;
  other.Route("GET", "/x", [](const common::HttpServerRequest&) {
    return common::HttpServerResponse::Json(200, R"({"from":"network"})");
  });
  other.Start();
  common::HttpServer self;
  self.Start();
  common::CurlHttpClient network;
  server::LoopbackHttpClient loopback(network, self);
  loopback.SetBaseUrl(self.BaseUrl());
  auto r = loopback.Send(common::HttpRequest{"GET", other.BaseUrl() + "/x", {}, "", 2000});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, R"({"from":"network"})");
  // A URL that merely starts with our base (port 4000 vs 40001) is not ours.
  const std::string prefix = other.BaseUrl().substr(0, other.BaseUrl().size() - 1);
  loopback.SetBaseUrl(prefix);
  auto longer = loopback.Send(common::HttpRequest{"GET", other.BaseUrl() + "/x", {}, "", 2000});
  ASSERT_TRUE(longer);
  EXPECT_EQ(longer->body, R"({"from":"network"})");
}

}  // namespace
}  // namespace vc::testing
