#include "keys/did.h"

#include <gtest/gtest.h>

#include "common/base/base64url.h"
#include "common/base/json.h"
#include "common/config/config.h"

namespace vc::keys {
namespace {

// did:jwk spec example (quartzjer/did-jwk spec.md; shared/specs/vc-landscape-and-vectors.md §3.4).
constexpr const char* kSpecDid =
    "did:jwk:eyJjcnYiOiJQLTI1NiIsImt0eSI6IkVDIiwieCI6ImFjYklRaXVNczNpOF91c3pFakoydHBUdFJNNEVVM3l6"
    "OTFQSDZDZEgyVjAiLCJ5IjoiX0tjeUxqOXZXTXB0bm1LdG00NkdxRHo4d2Y3NEk1TEtncmwyR3pIM25TRSJ9";
constexpr const char* kSpecJwk =
    R"({"crv":"P-256","kty":"EC","x":"acbIQiuMs3i8_uszEjJ2tpTtRM4EU3yz91PH6CdH2V0","y":"_KcyLj9vWMptnmKtm46GqDz8wf74I5LKgrl2GzH3nSE"})";

TEST(DidJwk, EncodesTheSpecExample) {
  auto key = common::Jwk::FromJsonText(kSpecJwk);
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(CanonicalPublicJwkJson(*key), kSpecJwk);
  EXPECT_EQ(DidJwkFromKey(*key), kSpecDid);
}

TEST(DidJwk, ResolvesTheSpecExample) {
  auto r = ResolveDidJwk(kSpecDid);
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto doc = common::ParseJsonObject(r->document_json);
  ASSERT_TRUE(doc.ok());
  const std::string did = kSpecDid;
  EXPECT_EQ(common::GetString(*doc, "id").value(), did);
  const auto& vm = (*doc)["verificationMethod"][0];
  EXPECT_EQ(common::GetString(vm, "id").value(), did + "#0");
  EXPECT_EQ(common::GetString(vm, "type").value(), "JsonWebKey2020");
  EXPECT_EQ(common::GetString(vm, "controller").value(), did);
  EXPECT_EQ(common::ToJson(vm["publicKeyJwk"]), kSpecJwk);
  // The spec's example has a stray '$' in "authentication"; we emit the plain DID.
  for (const char* rel : {"assertionMethod", "authentication", "capabilityInvocation",
                          "capabilityDelegation", "keyAgreement"}) {
    ASSERT_TRUE((*doc)[rel].IsArray()) << rel;
    EXPECT_EQ(std::string((*doc)[rel][0].GetString()), did + "#0") << rel;
  }
  ASSERT_EQ(r->methods.size(), 1u);
  EXPECT_EQ(r->methods[0].first, did + "#0");
  EXPECT_EQ(r->methods[0].second.Thumbprint(), common::Jwk::FromJsonText(kSpecJwk)->Thumbprint());
}

TEST(DidJwk, ResolvesWithFragment) {
  auto r = ResolveDidJwk(std::string(kSpecDid) + "#0");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->did, kSpecDid);
}

TEST(DidJwk, EncryptionKeyHasOnlyKeyAgreement) {
  // The spec's X25519 example.
  auto r = ResolveDidJwk(
      "did:jwk:eyJrdHkiOiJPS1AiLCJjcnYiOiJYMjU1MTkiLCJ1c2UiOiJlbmMiLCJ4IjoiM3A3YmZYdDl3YlRUVzJIQz"
      "dPUTFOei1EUThoYmVHZE5yZngtRkctSUswOCJ9");
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto doc = common::ParseJsonObject(r->document_json);
  EXPECT_TRUE(doc->HasMember("keyAgreement"));
  EXPECT_FALSE(doc->HasMember("assertionMethod"));
  EXPECT_FALSE(doc->HasMember("authentication"));
  EXPECT_TRUE(r->methods.empty());
}

TEST(DidJwk, RefusesGarbage) {
  EXPECT_EQ(ResolveDidJwk("did:web:example.com").error().code, "invalid_did");
  EXPECT_EQ(ResolveDidJwk("did:jwk:!!!").error().code, "invalid_did");
  EXPECT_EQ(ResolveDidJwk("did:jwk:e30").error().code, "invalid_did");  // {}
}

TEST(DidJwk, RefusesPrivateKeyMaterial) {
  const std::string did =
      "did:jwk:" +
      common::Base64UrlEncode(common::Jwk::Generate(common::JwsAlg::kES256).ToPrivateJson());
  EXPECT_EQ(ResolveDidJwk(did).error().code, "invalid_did");
}

TEST(DidWeb, FromUrlRoundTripsThroughDocumentUrl) {
  const std::string did = common::DidWebFromUrl("http://127.0.0.1:8080");
  EXPECT_EQ(did, "did:web:127.0.0.1%3A8080");
  EXPECT_EQ(DidWebDocumentUrl(did, "http").value(), "http://127.0.0.1:8080/.well-known/did.json");
  EXPECT_EQ(common::DidWebFromUrl("https://user@a.example"), "");
  EXPECT_EQ(common::DidWebFromUrl("ftp://a.example"), "");
}

TEST(DidWeb, DocumentUrl) {
  EXPECT_EQ(DidWebDocumentUrl("did:web:verifiedid.contoso.com").value(),
            "https://verifiedid.contoso.com/.well-known/did.json");
  EXPECT_EQ(DidWebDocumentUrl("did:web:my-domain.com:my-path").value(),
            "https://my-domain.com/my-path/did.json");
  EXPECT_EQ(DidWebDocumentUrl("did:web:127.0.0.1%3A8080", "http").value(),
            "http://127.0.0.1:8080/.well-known/did.json");
  EXPECT_FALSE(DidWebDocumentUrl("did:web:a.example:..").ok());
  EXPECT_FALSE(DidWebDocumentUrl("did:web:a.example/evil").ok());
  EXPECT_FALSE(DidWebDocumentUrl("did:web:").ok());
}

TEST(DidWeb, DocumentListsEveryKeyAndRoundTrips) {
  StoredKey a{common::Jwk::Generate(common::JwsAlg::kES256), common::JwsAlg::kES256, "issuer",
              true};
  a.key = a.key.WithKid(a.key.Thumbprint());
  StoredKey b{common::Jwk::Generate(common::JwsAlg::kEdDSA), common::JwsAlg::kEdDSA, "issuer",
              false};
  b.key = b.key.WithKid(b.key.Thumbprint());
  const std::string did = "did:web:idv.example";
  const std::string json = DidWebDocument(did, {a, b}, {"https://idv.example/"});
  EXPECT_EQ(json.find("\"d\""), std::string::npos) << "private key leaked: " << json;
  auto parsed = ParseDidDocument(did, json);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_EQ(parsed->methods.size(), 2u);
  EXPECT_EQ(parsed->methods[0].first, did + "#" + a.key.kid());
  EXPECT_EQ(parsed->methods[1].second.Thumbprint(), b.key.kid());
  auto doc = common::ParseJsonObject(json);
  EXPECT_EQ(std::string((*doc)["service"][0]["type"].GetString()), "LinkedDomains");
}

TEST(DidWeb, ParseRefusesMismatchedId) {
  EXPECT_EQ(ParseDidDocument("did:web:a.example", R"({"id":"did:web:b.example"})").error().code,
            "invalid_did");
}

}  // namespace
}  // namespace vc::keys
