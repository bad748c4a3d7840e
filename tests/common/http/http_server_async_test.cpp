// Asynchronous completion: handlers that answer later from another thread, the
// blocking pool that keeps the event loop free, and answers that never come.
#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "common/base/log.h"
#include "common/http/http_client.h"
#include "common/http/http_server.h"

namespace vc::common {
namespace {

// A gate that tests open by hand: a blocking handler waits on it.
class Gate {
 public:
  void Open() {
    {
      std::lock_guard lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }
  void Wait() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

class ConcurrentHttpServerAsyncTest : public ::testing::Test {
 protected:
  void Start() {
    HttpServerOptions options;
    options.threads = 1;  // one event loop: anything that blocks it blocks every request
    options.blocking_threads = 2;
    options.metrics = &metrics_;
    server_ = std::make_unique<HttpServer>(options);
    server_->Route("GET", "/blocking", [this](const HttpServerRequest&) {
      entered_.set_value();
      gate_.Wait();
      return HttpServerResponse::Text(200, "released");
    });
    server_->RouteAsync("GET", "/later", [this](HttpServerRequest r, HttpResponder respond) {
      // Answered from another thread, after the handler has returned.
      std::lock_guard lock(mu_);
      later_.emplace_back([r = std::move(r), respond] {
        respond(
            HttpServerResponse::Text(200, "later:" + std::string(r.query.Get("n").value_or(""))));
      });
    });
    server_->RouteAsync("GET", "/forgotten", [](const HttpServerRequest&, const HttpResponder&) {});
    server_->RouteAsync("GET", "/twice",
                        [](const HttpServerRequest&, const HttpResponder& respond) {
                          respond(HttpServerResponse::Text(200, "first"));
                          respond(HttpServerResponse::Text(200, "second"));
                        });
    server_->RouteAsync("GET", "/throws", [](const HttpServerRequest&, const HttpResponder&) {
      throw std::runtime_error("internal detail");
    });
    server_->Start();
  }
  void TearDown() override {
    gate_.Open();
    {
      // A handler may still be inside emplace_back when its thread's answer
      // has already reached the client.
      std::lock_guard lock(mu_);
      for (auto& t : later_) t.join();
    }
    if (server_) server_->Shutdown();
  }

  HttpResponse Get(const std::string& path) {
    CurlHttpClient client;
    HttpRequest request;
    request.method = "GET";
    request.url = server_->BaseUrl() + path;
    auto response = client.Send(request);
    EXPECT_TRUE(response.ok()) << response.error().message;
    return response.ok() ? *response : HttpResponse{};
  }

  MetricsRegistry metrics_;
  std::unique_ptr<HttpServer> server_;
  Gate gate_;
  std::promise<void> entered_;
  std::mutex mu_;
  std::vector<std::thread> later_;
};

TEST_F(ConcurrentHttpServerAsyncTest, BlockingHandlerDoesNotHoldTheEventLoop) {
  Start();
  auto blocked = std::async(std::launch::async, [this] { return Get("/blocking"); });
  entered_.get_future().wait();  // the handler is parked on the gate now
  // The only event loop still serves: /healthz answers while /blocking waits.
  EXPECT_EQ(Get("/healthz").status, 200);
  gate_.Open();
  EXPECT_EQ(blocked.get().body, "released");
}

TEST_F(ConcurrentHttpServerAsyncTest, AsyncHandlerAnswersFromAnotherThread) {
  Start();
  auto a = std::async(std::launch::async, [this] { return Get("/later?n=1"); });
  auto b = std::async(std::launch::async, [this] { return Get("/later?n=2"); });
  EXPECT_EQ(a.get().body, "later:1");
  EXPECT_EQ(b.get().body, "later:2");
}

TEST_F(ConcurrentHttpServerAsyncTest, UnansweredRequestGets500NotAHang) {
  Start();
  const auto r = Get("/forgotten");
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("internal_error"), std::string::npos);
}

TEST_F(ConcurrentHttpServerAsyncTest, OnlyTheFirstAnswerIsSent) {
  Start();
  EXPECT_EQ(Get("/twice").body, "first");
  EXPECT_EQ(Get("/healthz").status, 200);  // the connection and server are fine
}

TEST_F(ConcurrentHttpServerAsyncTest, ExceptionBeforeAnswerIsAGeneric500) {
  Start();
  const auto r = Get("/throws");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("internal detail"), std::string::npos);
}

TEST_F(ConcurrentHttpServerAsyncTest, InProcessCallWaitsForALaterAnswer) {
  Start();
  HttpServerRequest request;
  request.method = "GET";
  request.path = "/later";
  request.query = *ParseQueryString("n=7");
  EXPECT_EQ(server_->HandleInProcess(request).body, "later:7");
}

}  // namespace
}  // namespace vc::common
