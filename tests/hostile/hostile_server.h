// A whole vcserver (every role, development defaults plus an Auth0 tenant, an
// admin API key and a Request Service client, rate limits off) on port 0, and
// what a hostile client needs to get past authentication so that its payload
// reaches the code behind it: a proofing session and its cookie, a Request
// Service bearer token, the callback secrets, a jumpstart signer. Tests of one
// attack replace top-level config members (a second org, a Jumio provider, rate
// limits) and may give the server a clock of their own.
#pragma once

#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>

#include "common/base/base64url.h"
#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/http/http_client.h"
#include "common/http/url.h"
#include "common/jose/jwk.h"
#include "common/jose/jws.h"
#include "keys/key_store.h"
#include "server/app.h"
#include "tests/support/temp_dir.h"

namespace vc::testing {

inline constexpr const char* kAdminKey = "hostile-admin-key";
inline constexpr const char* kAuth0Domain = "example.auth0.com";
inline constexpr const char* kAuth0Secret = "hostile-auth0-secret-0123456789abcdef";
inline constexpr const char* kRsClient = "backend";
inline constexpr const char* kRsSecret = "hostile-rs-secret";
inline constexpr const char* kRsScope = "3db474b9-6a0c-4840-96ac-1fceb342124f/.default";
// The Admin API's scope: revocation needs a token for it.
inline constexpr const char* kAdminScope = "6a8b4b39-c021-437c-b060-5a14a3fd65f3/.default";

struct HostileOptions {
  // Top-level config members, as JSON text, that replace (or add to) the
  // defaults below, e.g. {"rateLimits", R"({"create":{...}})"}.
  std::map<std::string, std::string> config;
  const common::Clock* clock = nullptr;  // nullptr: the system clock
};

class HostileServer {
 public:
  explicit HostileServer(HostileOptions options = {}) : options_(std::move(options)) {
    std::ofstream(dir_.File("config.json")) << Config();
    Boot();
  }
  ~HostileServer() { app_->Stop(); }

  // Stops the process and starts it again on the same data dir (a new port).
  void Restart() {
    app_->Stop();
    app_.reset();
    Boot();
  }

  server::App& app() { return *app_; }
  const std::string& base() const { return base_; }
  std::string db_path() const { return dir_.File("data") + "/vc.db"; }
  // The registered redirect URL of the demo org contoso.
  std::string rp_redirect() const { return base_ + "/demo/rp/done"; }

  // Sends `req` with `req.url` relative to the server (a path and query).
  common::HttpResponse Send(common::HttpRequest req) {
    req.url = base_ + req.url;
    auto resp = http_.Send(req);
    if (!resp) {
      ADD_FAILURE() << req.method << " " << req.url.substr(0, 200) << ": " << resp.error().message;
      return {};
    }
    return *resp;
  }

  // A jumpstart token of `org` (contoso by default) signed with its generated
  // RP key; `redirect_url` is put into the claims as given (JSON-escaped).
  std::string Jumpstart(const std::string& request_id, const std::string& redirect_url,
                        const std::string& org = "contoso") {
    const auto key = common::Jwk::FromPem(ReadFile(RpKeyFile(org)));
    EXPECT_TRUE(key.ok());
    const int64_t now = std::time(nullptr);
    common::JsonWriter w;
    w->StartObject();
    w->Key("OrgId");
    w.String(org);
    w->Key("RequestId");
    w.String(request_id);
    w->Key("redirectUrl");
    w.String(redirect_url);
    w->Key("iat");
    w->Int64(now);
    w->Key("exp");
    w->Int64(now + 300);
    w->EndObject();
    auto token = common::SignCompact(*key, common::JwsAlg::kRS256, w.str());
    EXPECT_TRUE(token.ok());
    return token.ok() ? *token : "";
  }

  // An Auth0 redirect token (HS256) of the configured tenant, or of `iss`.
  std::string Auth0Token(const std::string& sub, const std::string& iss = kAuth0Domain) {
    const int64_t now = std::time(nullptr);
    common::JsonWriter w;
    w->StartObject();
    w->Key("iss");
    w.String(iss);
    w->Key("sub");
    w.String(sub);
    w->Key("iat");
    w->Int64(now);
    w->Key("exp");
    w->Int64(now + 300);
    w->EndObject();
    auto token =
        common::SignCompact(common::Jwk::FromSecret(kAuth0Secret), common::JwsAlg::kHS256, w.str());
    return token.ok() ? *token : "";
  }

  // Opens a jumpstart session of `org`, whose registered redirect URL must be
  // rp_redirect(): {session id, "name=value" cookie}.
  std::pair<std::string, std::string> OpenSession(const std::string& request_id,
                                                  const std::string& org = "contoso") {
    common::HttpRequest req;
    req.url = "/" + org + "/?token=" + Jumpstart(request_id, rp_redirect(), org);
    auto resp = Send(req);
    EXPECT_EQ(resp.status, 303) << resp.body;
    const std::string location(resp.Header("location").value_or(""));
    const std::string cookie(resp.Header("set-cookie").value_or(""));
    return {location.substr(location.rfind('/') + 1), cookie.substr(0, cookie.find(';'))};
  }

  std::string BearerToken(const char* scope = kRsScope) {
    auto resp = common::PostForm(http_, base_ + "/oauth2/v2.0/token",
                                 {{"grant_type", "client_credentials"},
                                  {"client_id", kRsClient},
                                  {"client_secret", kRsSecret},
                                  {"scope", scope}});
    EXPECT_TRUE(resp.ok() && resp->status == 200);
    auto doc = common::ParseJsonObject(resp.ok() ? resp->body : "");
    return doc ? std::string(common::GetString(*doc, "access_token").value_or("")) : "";
  }

  // A secret of the server's key store (created at startup) as raw bytes, e.g. "sandbox-callback".
  std::string Secret(const std::string& name) {
    keys::KeyStore store(dir_.File("data") + "/keys");
    auto secret = store.SecretOrCreate(name);
    EXPECT_TRUE(secret.ok());
    return secret.ok() ? *secret : "";
  }
  // The same as the server sends it in an `api-key` header (base64url).
  std::string HeaderSecret(const std::string& name) {
    return common::Base64UrlEncode(Secret(name));
  }

 private:
  void Boot() {
    server::AppOptions options{dir_.File("config.json"), "", ""};
    options.clock = options_.clock;
    app_ = std::make_unique<server::App>(options);
    app_->Start();
    base_ = app_->BaseUrl();
  }

  std::string Config() const {
    std::map<std::string, std::string> members = {
        {"listen", R"("127.0.0.1:0")"},
        {"publicBaseUrl", R"("http://127.0.0.1:0")"},
        {"dataDir", "\"" + dir_.File("data") + "\""},
        {"auth0", R"([{"domain":")" + std::string(kAuth0Domain) + R"(","tokenSecret":")" +
                      kAuth0Secret + R"(","proofing":"sandbox"}])"},
        {"apiKeys", R"([{"id":"ops","role":"admin","hash":"sha256:)" +
                        common::HexEncode(common::Sha256(kAdminKey)) + R"("}])"},
        {"requestService", R"({"clients":[{"clientId":")" + std::string(kRsClient) +
                               R"(","clientSecret":")" + kRsSecret +
                               R"(","roles":["VerifiableCredential.Create.All",)"
                               R"("VerifiableCredential.Credential.Revoke"]}]})"},
        {"rateLimits", R"({"intake":{"perIp":0,"perOrg":0},"token":{"perIp":0,"perOrg":0},)"
                       R"("create":{"perIp":0,"perOrg":0}})"},
    };
    for (const auto& [key, value] : options_.config) members[key] = value;
    std::string json;
    for (const auto& [key, value] : members)
      json += (json.empty() ? "{" : ",") + ("\"" + key + "\":" + value);
    return json + "}";
  }

  std::string RpKeyFile(const std::string& org) const {
    for (const auto& e :
         std::filesystem::directory_iterator(dir_.File("data") + "/keys/rp-" + org)) {
      if (e.path().extension() == ".pem") return e.path().string();
    }
    return "";
  }

  static std::string ReadFile(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  HostileOptions options_;
  TempDir dir_;
  std::unique_ptr<server::App> app_;
  std::string base_;
  common::CurlHttpClient http_;
};

}  // namespace vc::testing
