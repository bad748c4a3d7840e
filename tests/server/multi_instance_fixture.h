// Three real vcserver processes on one PostgreSQL (the server ./dev test
// starts; a schema of this test's own) behind a round-robin front
// (tests/support/round_robin_front.h) whose URL is their publicBaseUrl, as a
// load balancer's would be. Each instance has its own data directory; keys and
// secrets are sealed in the database under one key-encryption key, so all
// three sign alike. A receiver stands in for the callback and webhook targets.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/config/config.h"
#include "common/http/http_client.h"
#include "common/http/http_server.h"
#include "tests/support/round_robin_front.h"
#include "tests/support/run.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"

namespace vc::testing {

// Every POST made to us: Request Service callbacks on /rs, webhooks on /hook.
class EventReceiver {
 public:
  struct Call {
    std::string path, idempotency_key, body;
    int answered = 200;
  };
  EventReceiver() {
    for (const char* path : {"/rs", "/hook"}) {
      server_.Route("POST", path, [this, path](const common::HttpServerRequest& r) {
        std::lock_guard lock(mu_);
        const int status = refusing_.load() ? 503 : 200;
        calls_.push_back(
            {path, std::string(r.Header("idempotency-key").value_or("")), r.body, status});
        return common::HttpServerResponse::Json(status, "{}");
      });
    }
    server_.Start();
  }
  std::string url() const { return server_.BaseUrl(); }
  std::vector<Call> calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }
  bool Has(const std::string& path, const std::string& key) {
    for (const auto& c : calls()) {
      if (c.path == path && c.idempotency_key == key && c.answered == 200) return true;
    }
    return false;
  }
  void Refuse(bool refuse) { refusing_ = refuse; }

 private:
  std::atomic<bool> refusing_{false};
  std::mutex mu_;
  std::vector<Call> calls_;
  common::HttpServer server_;
};

class MultiInstanceFixture : public ::testing::Test {
 protected:
  static constexpr int kInstances = 3;
  static constexpr const char* kAppKey = "multi-app-key-0123456789";

  void SetUp() override {
    if (const std::string why = PostgresMissing(); !why.empty()) {
      if (PostgresRequired()) FAIL() << why << " (VC_REQUIRE_PG=1)";
      GTEST_SKIP() << why;
    }
    schema_ = std::make_unique<PgSchema>();
    ASSERT_TRUE(schema_->ok());
    base_ = front_.url();
    std::vector<std::string> backends;
    for (int i = 0; i < kInstances; ++i) {
      configs_.push_back(WriteConfig(i));
      servers_.push_back(std::make_unique<ServerProcess>());
      ASSERT_TRUE(Launch(i)) << servers_[i]->Stderr();
      backends.push_back(servers_[i]->url());
    }
    front_.Start(backends);
    rp_key_ = dir_.File("var-0/demo-rp-contoso.pem");
    auto token = RunBinary("vcctl", {"request-service", "token", "--config", configs_[0]});
    ASSERT_EQ(token.exit_code, 0) << token.output;
    rs_token_ = token.output.substr(0, token.output.find('\n'));
  }

  void TearDown() override {
    for (auto& s : servers_) s->Signal(SIGTERM);
    servers_.clear();
    schema_.reset();
  }

  bool Launch(int i) {
    return servers_[i]->Start({"--config", configs_[i]},
                              dir_.File("vcserver-" + std::to_string(i)));
  }

  // The same configuration for every instance but its data directory. Rate
  // limits are off: every request reaches the instances from the front's one IP.
  std::string WriteConfig(int i) {
    const std::string path = dir_.File("config-" + std::to_string(i) + ".json");
    const std::string off = R"({"perIp":0,"perOrg":0})";
    std::ofstream(path) << R"({"listen":"127.0.0.1:0","publicBaseUrl":")" << base_
                        << R"(","dataDir":")" << dir_.File("var-" + std::to_string(i))
                        << R"(","storage":{"type":"postgresql","url":")" << schema_->url()
                        << R"(","poolSize":4,"keyEncryptionKey":")" << kek_hex_
                        << R"("},"rateLimits":{"intake":)" << off << R"(,"token":)" << off
                        << R"(,"create":)" << off
                        << R"(},"apiKeys":[{"id":"app","org":"contoso","role":"app",)"
                        << R"("hash":"sha256:)" << common::HexEncode(common::Sha256(kAppKey))
                        << R"("}],"verifier":{"webhook":{"url":")" << receiver_.url()
                        << R"(/hook","secret":"webhook-secret-0123456789"}},)"
                        << R"("outbound":{"allow":["127.0.0.0/8"]}})";
    return path;
  }

  common::Result<common::HttpResponse> Send(const std::string& method, const std::string& path,
                                            const std::string& body, common::HttpHeaders headers) {
    common::HttpRequest req;
    req.method = method;
    req.url = path.rfind("http", 0) == 0 ? path : base_ + path;
    req.body = body;
    req.headers = std::move(headers);
    req.timeout_ms = 30'000;
    return http_.Send(req);
  }

  CommandResult Wallet(const std::string& wallet, const std::string& command,
                       const std::string& url) {
    return RunBinary("vcwallet", {"--wallet", wallet, command, url});
  }

  // A one-time jumpstart link for the demo org, signed with its RP key.
  std::string MintLink() {
    auto minted =
        RunBinary("vcctl", {"jumpstart", "mint", "--org", "contoso", "--key", rp_key_,
                            "--redirect-url", base_ + "/demo/rp/done", "--base-url", base_});
    EXPECT_EQ(minted.exit_code, 0) << minted.output;
    return minted.output.substr(0, minted.output.find('\n'));
  }

  // createIssuanceRequest on the embedded Request Service with callbacks to
  // the receiver: {requestId, url}.
  std::pair<std::string, std::string> CreateIssuance(const std::string& state) {
    const std::string body =
        R"({"callback":{"url":")" + receiver_.url() + R"(/rs","state":")" + state +
        R"(","headers":{"api-key":"rs-callback-key"}},"registration":{"clientName":"IDV"},)"
        R"("authority":")" +
        common::DidWebFromUrl(base_) + R"(","type":"VerifiedIdentity","manifest":")" + base_ +
        R"(/v1.0/tenants/local/verifiableCredentials/contracts/VerifiedIdentity/manifest",)"
        R"("claims":{"realName":"Megan Bowen","idCardType":"PASSPORT"}})";
    auto created =
        Send("POST", "/v1.0/verifiableCredentials/createIssuanceRequest", body,
             {{"Authorization", "Bearer " + rs_token_}, {"Content-Type", "application/json"}});
    auto doc = common::ParseJsonObject(created ? created->body : "");
    EXPECT_TRUE(created && created->status == 201 && doc)
        << (created ? created->body : created.error().message);
    if (!doc) return {};
    return {std::string(common::GetString(*doc, "requestId").value_or("")),
            std::string(common::GetString(*doc, "url").value_or(""))};
  }

  // The test's own view of the shared database.
  std::unique_ptr<common::Database> Db() const {
    common::PostgresOptions options;
    options.pool_size = 2;
    auto db = common::Database::OpenPostgres(schema_->url(), options);
    EXPECT_TRUE(db.ok()) << db.error().message;
    return db.ok() ? std::move(*db) : nullptr;
  }

  // Polls `done` for up to `seconds` (the instances work on their own threads).
  static bool Eventually(const std::function<bool()>& done, int seconds = 30) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return done();
  }

  TempDir dir_;
  const std::string kek_hex_ = common::HexEncode(common::RandomBytes(32));
  std::unique_ptr<PgSchema> schema_;
  EventReceiver receiver_;
  RoundRobinFront front_;
  std::string base_;
  std::vector<std::string> configs_;
  std::vector<std::unique_ptr<ServerProcess>> servers_;
  common::CurlHttpClient http_;
  std::string rp_key_, rs_token_;
};

}  // namespace vc::testing
