// A whole intake over real HTTP: our server with the intake routes, an RP
// JWKS host on its own port, a SQLite database in a temp dir, a manual clock.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/base/clock.h"
#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/base/metrics.h"
#include "common/http/http_client.h"
#include "common/http/http_server.h"
#include "common/jose/jwk.h"
#include "common/jose/jws.h"
#include "common/store/store.h"
#include "issuer/api_auth.h"
#include "issuer/auth0.h"
#include "issuer/identity_routes.h"
#include "issuer/identity_service.h"
#include "issuer/intake.h"
#include "issuer/intake_routes.h"
#include "issuer/jumpstart.h"
#include "issuer/proofing_attempts.h"
#include "issuer/proofing_routes.h"
#include "issuer/proofing_service.h"
#include "issuer/sandbox_provider.h"
#include "issuer/sessions.h"
#include "keys/key_store.h"
#include "keys/rp_keys.h"
#include "support/test_database.h"

namespace vc::testing {

constexpr const char* kOrg = "contoso";
constexpr const char* kRedirect = "https://contoso.example/onboarding/done";
constexpr const char* kAuth0Domain = "example.auth0.com";
constexpr const char* kAdminKey = "admin-key-0123456789";
constexpr const char* kAppKey = "app-key-contoso-0123456789";
constexpr const char* kAuth0Secret = "auth0-action-token-secret-0123456789";

// The RP's JWKS endpoint: serves whatever keys the test sets.
class JwksHost {
 public:
  JwksHost() {
    server_ = std::make_unique<common::HttpServer>();
    server_->Route("GET", "/.well-known/jwks.json", [this](const common::HttpServerRequest&) {
      std::unique_lock lock(mu_);
      ++hits_;
      changed_.notify_all();
      changed_.wait(lock, [this] { return !held_; });
      return common::HttpServerResponse::Json(200, jwks_);
    });
    server_->Start();
    url_ = server_->BaseUrl() + "/.well-known/jwks.json";
  }
  void Set(const std::vector<common::Jwk>& keys) {
    common::Jwks set;
    for (const auto& k : keys) set.Add(k.PublicOnly());
    std::lock_guard lock(mu_);
    jwks_ = set.ToPublicJson();
  }
  void Stop() {
    Release();
    server_->Shutdown();
  }
  // While held, requests wait (a slow RP host); WaitForHits(n) returns once n arrived.
  void Hold() {
    std::lock_guard lock(mu_);
    held_ = true;
  }
  void Release() {
    {
      std::lock_guard lock(mu_);
      held_ = false;
    }
    changed_.notify_all();
  }
  void WaitForHits(int n) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [this, n] { return hits_ >= n; });
  }
  int hits() {
    std::lock_guard lock(mu_);
    return hits_;
  }
  const std::string& url() const { return url_; }

 private:
  std::unique_ptr<common::HttpServer> server_;
  std::mutex mu_;
  std::condition_variable changed_;
  bool held_ = false;
  std::string jwks_ = R"({"keys":[]})";
  std::string url_;
  int hits_ = 0;
};

// Parameterised by engine: suites instantiate with VC_INSTANTIATE_BACKENDS or
// VC_INSTANTIATE_SQLITE (support/test_database.h).
class IntakeFixture : public ::testing::TestWithParam<TestBackend> {
 protected:
  static constexpr const char* kPrcId = "11010519491231002X";  // a valid checksum
  static constexpr std::string_view kProofingPrefix = "/proofing/";

  void SetUp() override {
    VC_SKIP_WITHOUT_BACKEND(GetParam());
    dir_ = std::filesystem::path(::testing::TempDir()) / ("intake-" + common::RandomId(6));
    std::filesystem::create_directories(dir_);
    test_db_ = std::make_unique<TestDatabase>(GetParam());
    rp_key_ = common::Jwk::Generate(common::JwsAlg::kRS256).WithKid("rp-1");
    jwks_host_.Set({rp_key_});
    OpenStores();
    keys_ = std::make_unique<keys::KeyStore>(dir_ / "keys");
    ASSERT_TRUE(
        keys_->Generate(issuer::IntakeService::kResultKeyPurpose, common::JwsAlg::kES256).ok());
    registry_ = std::make_unique<keys::RpKeyRegistry>(http_, clock_, metrics_);
    ASSERT_TRUE(registry_->AddOrg({kOrg, jwks_host_.url(), 900, "", {}}).ok());
    issuer::Org org{kOrg, "Contoso", {kRedirect, "https://contoso.example/other"},
                    600,  "sandbox", "VerifiedIdentity"};
    orgs_ = std::make_unique<issuer::OrgRegistry>(std::vector<issuer::Org>{org});
    StartServer();
  }

  void TearDown() override {
    server_.reset();
    identity_.reset();
    audit_.reset();
    proofing_.reset();
    sandbox_.reset();
    registry_.reset();
    intake_.reset();
    sessions_.reset();
    db_.reset();
    test_db_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  void OpenStores() {
    identity_.reset();
    audit_.reset();
    proofing_.reset();
    intake_.reset();
    sessions_.reset();
    db_.reset();
    db_ = test_db_->Open();
    ASSERT_NE(db_, nullptr);
    ASSERT_TRUE(issuer::SessionStore::Prepare(*db_).ok());
    ASSERT_TRUE(issuer::MigrateProofing(*db_).ok());
    sessions_ = std::make_unique<issuer::SessionStore>(*db_, clock_);
  }

  void StartServer() {
    server_.reset();
    verifier_ = std::make_unique<issuer::JumpstartVerifier>(*orgs_, *registry_, clock_);
    auth0_ = std::make_unique<issuer::Auth0Intake>(
        std::vector<issuer::Auth0Tenant>{{kAuth0Domain, kAuth0Secret, "sandbox"}}, clock_);
    intake_ = std::make_unique<issuer::IntakeService>(
        issuer::IntakeOptions{"http://127.0.0.1", 3600, 300}, *orgs_, *verifier_, *auth0_,
        *sessions_, *keys_, clock_);
    common::HttpServerOptions options;
    options.metrics = &metrics_;
    options.threads = 1;  // one event loop: a handler that blocked it would stall every test
    server_ = std::make_unique<common::HttpServer>(options);
    issuer::RegisterIntakeRoutes(*server_, *intake_, *keys_);
    BuildProofing();
    server_->Start();
    base_url_ = server_->BaseUrl();
    proofing_->SetPublicBaseUrl(base_url_);
  }

  // The proofing pages with the sandbox provider. The public URL is only known
  // once the server listens, so providers read it through base_url_.
  void BuildProofing() {
    if (!crypto_) {
      crypto_ = std::make_unique<issuer::IdentityCrypto>(*keys_->SecretOrCreate("identity-aes"),
                                                         *keys_->SecretOrCreate("identity-lookup"));
    }
    sandbox_ = std::make_shared<issuer::SandboxProvider>(
        "", *keys_->SecretOrCreate("sandbox-callback"), *db_, http_, clock_);
    auto providers = ExtraProviders();
    providers.emplace("sandbox", sandbox_);
    proofing_ = std::make_unique<issuer::ProofingService>(proofing_options_, providers, *db_,
                                                          *crypto_, clock_);
    issuer::ProofingRouteOptions po;
    po.provider_for = [this](const issuer::Session&) { return provider_name_; };
    issuer::RegisterProofingRoutes(*server_, *intake_, *proofing_, sandbox_.get(), po);
    // The Casdoor-style API with one admin and one app key (kAdminKey, kAppKey).
    api_auth_ = std::make_unique<issuer::ApiAuthenticator>(
        std::vector<common::ApiKeyConfig>{
            {"ops", "", "admin", "sha256:" + common::HexEncode(common::Sha256(kAdminKey))},
            {"contoso-backend", kOrg, "app",
             "sha256:" + common::HexEncode(common::Sha256(kAppKey))}},
        *sessions_);
    identity_ = std::make_unique<issuer::IdentityService>(
        *proofing_, *db_, *crypto_, clock_, [this](const std::string&) { return provider_name_; });
    audit_ = std::make_unique<issuer::AuditLog>(*db_, clock_);
    issuer::RegisterIdentityRoutes(*server_, *identity_, *api_auth_, *audit_);
  }

  // Providers besides the sandbox, for fixtures that test one.
  virtual std::map<std::string, std::shared_ptr<issuer::ProofingProvider>> ExtraProviders() {
    return {};
  }

  // A jumpstart token: valid claims, overridable as raw JSON members.
  std::string Mint(const std::string& request_id, const std::string& extra_claims = "",
                   const common::Jwk* key = nullptr, int64_t exp_in = 300) {
    const int64_t now = clock_.NowSeconds();
    std::string payload = "{\"OrgId\":\"contoso\",\"RequestId\":\"" + request_id +
                          "\",\"redirectUrl\":\"" + kRedirect +
                          "\",\"iat\":" + std::to_string(now) +
                          ",\"exp\":" + std::to_string(now + exp_in);
    if (!extra_claims.empty()) payload += "," + extra_claims;
    payload += "}";
    const common::Jwk& k = key ? *key : rp_key_;
    auto token = common::SignCompact(k, common::JwsAlg::kRS256, payload, {"JWT", k.kid(), ""});
    EXPECT_TRUE(token.ok());
    return *token;
  }

  common::Result<common::HttpResponse> Get(const std::string& path_and_query, bool json = true,
                                           const std::string& cookie = "") {
    common::HttpRequest req;
    req.url = server_->BaseUrl() + path_and_query;
    if (json) req.headers.emplace_back("Accept", "application/json");
    if (!cookie.empty()) req.headers.emplace_back("Cookie", cookie);
    return http_.Send(req);
  }

  common::Result<common::HttpResponse> Post(const std::string& path, const std::string& form,
                                            const std::string& cookie = "", bool json = true) {
    common::HttpRequest req;
    req.method = "POST";
    req.url = server_->BaseUrl() + path;
    req.body = form;
    req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    if (json) req.headers.emplace_back("Accept", "application/json");
    if (!cookie.empty()) req.headers.emplace_back("Cookie", cookie);
    return http_.Send(req);
  }

  // The "error" member of a JSON error body.
  static std::string ErrorCode(const common::HttpResponse& resp) {
    auto doc = common::ParseJsonObject(resp.body);
    if (!doc) return "<not json: " + resp.body.substr(0, 80) + ">";
    return std::string(common::GetString(*doc, "error").value_or("<no error member>"));
  }

  // Opens a session through the jumpstart: its id; its cookie goes to cookie_.
  std::string Open(const std::string& request_id) {
    auto resp = Get("/contoso/?token=" + Mint(request_id));
    EXPECT_TRUE(resp.ok());
    if (!resp.ok()) return "";
    cookie_ = CookieFrom(*resp);
    const std::string_view location = resp->Header("location").value_or("");
    return std::string(location.substr(std::min(location.size(), kProofingPrefix.size())));
  }

  // "vcs_<id>=<secret>" from a Set-Cookie header.
  static std::string CookieFrom(const common::HttpResponse& resp) {
    auto sc = resp.Header("set-cookie");
    if (!sc) return "";
    return std::string(sc->substr(0, sc->find(';')));
  }

  std::string cookie_;  // the last Open()ed session's
  std::filesystem::path dir_;
  common::ManualClock clock_{1'760'000'000};
  common::MetricsRegistry metrics_;
  common::CurlHttpClient http_;
  JwksHost jwks_host_;
  common::Jwk rp_key_ = common::Jwk::FromSecret("placeholder");
  std::unique_ptr<TestDatabase> test_db_;
  std::unique_ptr<common::Database> db_;
  std::unique_ptr<issuer::SessionStore> sessions_;
  std::unique_ptr<keys::KeyStore> keys_;
  std::unique_ptr<keys::RpKeyRegistry> registry_;
  std::unique_ptr<issuer::OrgRegistry> orgs_;
  std::unique_ptr<issuer::JumpstartVerifier> verifier_;
  std::unique_ptr<issuer::Auth0Intake> auth0_;
  std::unique_ptr<issuer::IntakeService> intake_;
  std::unique_ptr<issuer::IdentityCrypto> crypto_;
  std::shared_ptr<issuer::SandboxProvider> sandbox_;
  std::unique_ptr<issuer::ProofingService> proofing_;
  std::unique_ptr<issuer::ApiAuthenticator> api_auth_;
  std::unique_ptr<issuer::IdentityService> identity_;
  std::unique_ptr<issuer::AuditLog> audit_;  // the log the proofing service writes
  std::unique_ptr<common::HttpServer> server_;
  std::string base_url_;
  std::string provider_name_ = "sandbox";  // the provider every session uses
  issuer::ProofingServiceOptions proofing_options_;
};

}  // namespace vc::testing
