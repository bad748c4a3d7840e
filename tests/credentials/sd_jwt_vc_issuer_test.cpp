// An SD-JWT VC issuer's keys (jwt-vc-issuer metadata or a DID) and its Token
// Status List, read over real HTTP from issuers on port 0.
#include "credentials/sd_jwt_vc_issuer.h"

#include <gtest/gtest.h>

#include "common/http/http_server.h"
#include "credentials/token_status_fetch.h"
#include "keys/did.h"
#include "support/sd_jwt_issuer.h"

namespace vc::credentials {
namespace {

using testing::SdJwtTestIssuer;

class SdJwtIssuerKeysTest : public ::testing::Test {
 protected:
  common::ManualClock clock_{common::SystemClock().NowSeconds()};
  common::CurlHttpClient http_;
  DidResolver dids_{http_, clock_, {"http", 300}};
  SdJwtIssuerKeys keys_{http_, dids_, clock_};
  SdJwtTestIssuer issuer_{clock_};
};

TEST(JwtVcIssuerMetadataUrl, WellKnownGoesBetweenHostAndPath) {
  EXPECT_EQ(*JwtVcIssuerMetadataUrl("https://issuer.example"),
            "https://issuer.example/.well-known/jwt-vc-issuer");
  EXPECT_EQ(*JwtVcIssuerMetadataUrl("https://issuer.example/tenant/1"),
            "https://issuer.example/.well-known/jwt-vc-issuer/tenant/1");
  EXPECT_EQ(*JwtVcIssuerMetadataUrl("http://127.0.0.1:9/"),
            "http://127.0.0.1:9/.well-known/jwt-vc-issuer");
  for (const char* bad : {"did:web:x", "https://x.example/?a=1", "https://x.example/#f", "x"}) {
    EXPECT_FALSE(JwtVcIssuerMetadataUrl(bad)) << bad;
  }
}

TEST_F(SdJwtIssuerKeysTest, KeysComeFromTheMetadataAndAreCached) {
  auto key = keys_.Find(issuer_.url(), issuer_.key().Thumbprint());
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ(key->Thumbprint(), issuer_.key().Thumbprint());
  ASSERT_TRUE(keys_.Find(issuer_.url(), ""));  // the only key
  EXPECT_EQ(issuer_.metadata_fetches(), 1);
  auto unknown = keys_.Find(issuer_.url(), "no-such-kid");  // fetched again: maybe rotated
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, "issuer_key_unavailable");
  EXPECT_EQ(issuer_.metadata_fetches(), 2);
}

TEST_F(SdJwtIssuerKeysTest, JwksUriAndDids) {
  common::HttpServer other;
  const common::Jwk k = common::Jwk::Generate(common::JwsAlg::kES256);
  other.Route("GET", "/.well-known/jwt-vc-issuer", [&other](const common::HttpServerRequest&) {
    return common::HttpServerResponse::Json(
        200,
        R"({"issuer":")" + other.BaseUrl() + R"(","jwks_uri":")" + other.BaseUrl() + R"(/jwks"})");
  });
  other.Route("GET", "/jwks", [&k](const common::HttpServerRequest&) {
    return common::HttpServerResponse::Json(
        200, R"({"keys":[)" + k.PublicOnly().WithKid("k1").ToPublicJson() + "]}");
  });
  // Metadata for the issuer {base}/liar that names another issuer.
  other.Route("GET", "/.well-known/jwt-vc-issuer/liar", [&other](const common::HttpServerRequest&) {
    return common::HttpServerResponse::Json(
        200,
        R"({"issuer":")" + other.BaseUrl() + R"(","jwks_uri":")" + other.BaseUrl() + R"(/jwks"})");
  });
  other.Start();
  auto liar = keys_.Find(other.BaseUrl() + "/liar", "k1");
  ASSERT_FALSE(liar);
  EXPECT_EQ(liar.error().message, "the jwt-vc-issuer metadata names another issuer");
  EXPECT_FALSE(keys_.Find(other.BaseUrl() + "/absent", "k1"));  // 404
  auto key = keys_.Find(other.BaseUrl(), "k1");
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ(key->Thumbprint(), k.Thumbprint());
  const std::string did = keys::DidJwkFromKey(k);
  ASSERT_TRUE(keys_.Find(did, did + "#0"));
  ASSERT_TRUE(keys_.Find(did, "#0"));
  EXPECT_FALSE(keys_.Find(did, "did:jwk:other#0"));
  EXPECT_FALSE(keys_.Find(did, ""));
  other.Shutdown();
}

TEST_F(SdJwtIssuerKeysTest, TokenStatusListEntries) {
  TokenStatusFetcher fetcher(http_, keys_, clock_);
  issuer_.SetStatus(7, kStatusInvalid);
  issuer_.SetStatus(8, kStatusSuspended);
  EXPECT_EQ(*fetcher.Status(issuer_.url(), {6, issuer_.StatusUri()}), kStatusValid);
  EXPECT_EQ(*fetcher.Status(issuer_.url(), {7, issuer_.StatusUri()}), kStatusInvalid);
  EXPECT_EQ(*fetcher.Status(issuer_.url(), {8, issuer_.StatusUri()}), kStatusSuspended);
  EXPECT_EQ(issuer_.status_fetches(), 3);  // never cached: a revocation is seen at once
  auto outside = fetcher.Status(issuer_.url(), {1024, issuer_.StatusUri()});
  ASSERT_FALSE(outside);
  EXPECT_EQ(outside.error().code, "status_unavailable");
  // sub must be the uri the credential named.
  EXPECT_FALSE(fetcher.Status(issuer_.url(), {1, issuer_.StatusUri() + "?x"}));
  // Signed by another issuer than the credential's.
  SdJwtTestIssuer other(clock_);
  EXPECT_FALSE(fetcher.Status(other.url(), {1, issuer_.StatusUri()}));
  EXPECT_FALSE(fetcher.Status(issuer_.url(), {1, issuer_.url() + "/missing"}));
}

TEST(StatusReference, ReadFromThePayload) {
  auto read = [](const std::string& json) {
    auto doc = common::ParseJsonObject(json);
    return ReadStatusReference(*doc);
  };
  auto none = read(R"({"iss":"x"})");
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  auto ref = read(R"({"status":{"status_list":{"idx":5,"uri":"https://s.example/1"}}})");
  ASSERT_TRUE(ref && *ref);
  EXPECT_EQ((*ref)->idx, 5u);
  EXPECT_EQ((*ref)->uri, "https://s.example/1");
  EXPECT_FALSE(read(R"({"status":{"status_list":{"idx":-1,"uri":"u"}}})"));
  EXPECT_FALSE(read(R"({"status":{"other":{}}})"));
}

}  // namespace
}  // namespace vc::credentials
