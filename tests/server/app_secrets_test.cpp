// Secrets hygiene of the whole server: a full sandbox proofing journey (link,
// form with an ID number, verdict, credential issued to vcwallet, back to the RP), a token request
// and an admin API call, with every kind of configured secret set, at debug level. No log line may
// contain the ID number, the name, or any secret value.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>

#include "common/base/crypto.h"
#include "common/base/log.h"
#include "common/http/http_client.h"
#include "common/http/url.h"
#include "common/jose/jwk.h"
#include "common/jose/jws.h"
#include "server/app.h"
#include "tests/server/issuance_flow.h"
#include "tests/support/temp_dir.h"

namespace vc::testing {
namespace {

constexpr const char* kIdNumber = "11010519491231002X";
constexpr const char* kName = "Secretive Testperson";
const char* const kSecrets[] = {
    "auth0-tokensecret-0123456789abcdef0123456789",  // via env:
    "jumio-client-secret-9f8e7d",
    "jumio-callback-secret-1a2b3c",
    "aliyun-access-key-secret-77aa",
    "rs-client-secret-5e5e5e5e",
    "admin-api-key-plain-4d4d",
};

class LogCapture {
 public:
  LogCapture() {
    common::Logger::Global().SetSink([this](std::string_view line) {
      std::lock_guard lock(mu_);
      lines_ += std::string(line) + "\n";
    });
  }
  ~LogCapture() { common::Logger::Global().SetSink(nullptr); }
  std::string text() {
    std::lock_guard lock(mu_);
    return lines_;
  }

 private:
  std::mutex mu_;
  std::string lines_;
};

std::string Config(const TempDir& dir, const std::string& rp_pem) {
  return R"({"environment":"test","listen":"127.0.0.1:0","logLevel":"debug",
    "publicBaseUrl":"http://127.0.0.1:0","dataDir":")" +
         dir.File("data") + R"(",
    "orgs":[{"id":"acme","redirectUrls":["https://acme.example/done"],
             "keys":{"pemFiles":[")" +
         rp_pem + R"("]},"proofing":"sandbox"}],
    "auth0":[{"domain":"example.auth0.com","tokenSecret":"env:VC_TEST_AUTH0_SECRET","proofing":"sandbox"}],
    "proofingProviders":{"sandbox":{"type":"sandbox"},
      "jumio":{"type":"jumio","clientId":"jc","clientSecret":"jumio-client-secret-9f8e7d",
               "callbackSecret":"jumio-callback-secret-1a2b3c"},
      "aliyun":{"type":"alibaba","accessKeyId":"LTAIid","accessKeySecret":"aliyun-access-key-secret-77aa"}},
    "requestService":{"clients":[{"clientId":"backend","clientSecret":"rs-client-secret-5e5e5e5e"}]},
    "apiKeys":[{"id":"ops","role":"admin","hash":"sha256:)" +
         common::HexEncode(common::Sha256("admin-api-key-plain-4d4d")) + R"("}]})";
}

// Jumpstart link → sandbox form with the ID number → the issuance page → the
// wallet accepts the credential (its claims include the name) → back to the RP.
// Returns the link's token.
std::string ProofingJourney(const std::string& base, const common::Jwk& rp,
                            const std::string& wallet) {
  const int64_t now = time(nullptr);
  auto token = common::SignCompact(
      rp, common::JwsAlg::kRS256,
      R"({"OrgId":"acme","RequestId":"secrets-1","redirectUrl":"https://acme.example/done","iat":)" +
          std::to_string(now) + R"(,"exp":)" + std::to_string(now + 300) + "}");
  EXPECT_TRUE(token.ok());
  Journey journey(base);
  journey.StartAt("/acme/?token=" + *token);
  EXPECT_EQ(journey.ProofAndContinue(kName), "/issuance/" + journey.session());
  const std::string id = journey.IssuanceId();
  auto accepted = RunBinary("vcwallet", {"--wallet", wallet, "accept", journey.DeepLink()});
  EXPECT_EQ(accepted.exit_code, 0) << accepted.output;
  EXPECT_EQ(journey.WaitForStatus(id, "issuance_successful"), "issuance_successful");
  auto done = journey.Send("POST", "/issuance/" + journey.session() + "/continue", "");
  EXPECT_EQ(done.status, 303) << done.body;
  EXPECT_EQ(done.Header("location").value_or("").rfind("https://acme.example/done?", 0), 0u);
  return *token;
}

// A token request (right and wrong secret) and an admin API call.
void CallsCarryingSecrets(const std::string& base) {
  common::CurlHttpClient http;
  for (const std::string& secret : {std::string(kSecrets[4]), std::string(kSecrets[4]) + "x"}) {
    auto tok = common::PostForm(http, base + "/oauth2/v2.0/token",
                                {{"grant_type", "client_credentials"},
                                 {"client_id", "backend"},
                                 {"client_secret", secret},
                                 {"scope", "3db474b9-6a0c-4840-96ac-1fceb342124f/.default"}});
    EXPECT_EQ(tok->status, secret == kSecrets[4] ? 200 : 401) << tok->body;
  }
  auto audit = common::Get(http, base + "/api/audit",
                           {{"Authorization", std::string("Bearer ") + kSecrets[5]}});
  EXPECT_EQ(audit->status, 200);
}

TEST(AppSecrets, NoIdNumberNameOrSecretInAnyLogLine) {
  TempDir dir;
  setenv("VC_TEST_AUTH0_SECRET", kSecrets[0], 1);
  const common::Jwk rp = common::Jwk::Generate(common::JwsAlg::kRS256);
  std::ofstream(dir.File("rp.pem")) << *rp.PublicOnly().ToPublicPem();
  std::ofstream(dir.File("config.json")) << Config(dir, dir.File("rp.pem"));
  LogCapture logs;
  server::App app({dir.File("config.json"), "", ""});
  app.Start();
  const std::string token = ProofingJourney(app.BaseUrl(), rp, dir.File("wallet.json"));
  CallsCarryingSecrets(app.BaseUrl());
  app.Stop();
  unsetenv("VC_TEST_AUTH0_SECRET");
  const std::string text = logs.text();
  if (HasFailure()) std::cerr << text;
  EXPECT_NE(text.find("http_access"), std::string::npos);  // the capture saw the traffic
  for (const char* needle : {kIdNumber, kName})
    EXPECT_EQ(text.find(needle), std::string::npos) << needle;
  EXPECT_EQ(text.find(common::PercentEncode(kName)), std::string::npos);
  for (const char* secret : kSecrets) EXPECT_EQ(text.find(secret), std::string::npos) << secret;
  EXPECT_EQ(text.find(token), std::string::npos);  // the jumpstart token travels in the query
}

}  // namespace
}  // namespace vc::testing
