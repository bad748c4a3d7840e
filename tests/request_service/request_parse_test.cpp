// Every validation rule of spec §2-3 / §10: code, message and target.
#include "request_service/request_parse.h"

#include <gtest/gtest.h>

namespace vc::request_service {
namespace {

constexpr const char* kCallback =
    R"("callback":{"url":"http://127.0.0.1:9/cb","state":"s1","headers":{"api-key":"k"}})";
constexpr const char* kReg = R"("registration":{"clientName":"Contoso"})";

std::string Issuance(const std::string& extra, const std::string& callback = kCallback) {
  return std::string("{") + callback + "," + kReg +
         R"(,"authority":"did:web:idv.example","type":"VerifiedIdentity","manifest":"https://m/x")" +
         extra + "}";
}

std::string Presentation(const std::string& rc, const std::string& extra = "") {
  return std::string("{") + kCallback + "," + kReg + R"(,"authority":"did:web:rp.example")" +
         extra + R"(,"requestedCredentials":[)" + rc + "]}";
}

struct Case {
  std::string body;
  std::string target;
  std::string message_part;
  std::string code = "badOrMissingField";
};

void ExpectIssuanceFailure(const Case& c) {
  auto r = ParseIssuanceRequest(c.body);
  ASSERT_FALSE(r.ok()) << c.body;
  EXPECT_EQ(r.failure().status, 400);
  EXPECT_EQ(r.failure().code, c.code);
  EXPECT_EQ(r.failure().target, c.target) << c.body;
  EXPECT_NE(r.failure().message.find(c.message_part), std::string::npos) << r.failure().message;
}

void ExpectPresentationFailure(const Case& c) {
  auto r = ParsePresentationRequest(c.body);
  ASSERT_FALSE(r.ok()) << c.body;
  EXPECT_EQ(r.failure().code, c.code);
  EXPECT_EQ(r.failure().target, c.target) << c.body;
  EXPECT_NE(r.failure().message.find(c.message_part), std::string::npos) << r.failure().message;
}

TEST(IssuanceParseTest, AcceptsTheCanonicalExampleAndManifestUrlAlias) {
  auto r = ParseIssuanceRequest(Issuance(
      R"(,"pin":{"value":"3539","length":4},"claims":{"given_name":"Megan"},"expirationDate":"2024-12-31T23:59:59.000Z")"));
  ASSERT_TRUE(r.ok()) << r.failure().message;
  EXPECT_EQ(r->manifest, "https://m/x");
  EXPECT_EQ(r->claims.at("given_name"), "Megan");
  EXPECT_EQ(r->pin->length, 4);
  EXPECT_EQ(r->callback.headers[0].first, "api-key");
  const std::string alias = std::string("{") + kCallback + "," + kReg +
                            R"(,"authority":"did:web:a","type":"t","manifestUrl":"https://m/y"})";
  auto a = ParseIssuanceRequest(alias);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->manifest, "https://m/y");
}

TEST(IssuanceParseTest, EachValidationError) {
  const std::vector<Case> cases = {
      {"[1]", "", "not a valid JSON object"},
      {"{\"a\":1,\"a\":2}", "", "not a valid JSON object"},
      {Issuance(R"(,"includeQRCode":"yes")"), "includeQRCode",
       "The request contains `includeQRCode`, but it is not boolean."},
      {Issuance("", R"("callback":1)"), "callback", "valid callback"},
      {Issuance("", R"("callback":{"url":"/relative","state":"s"})"), "callback.url", "unreadable"},
      {Issuance("", R"("callback":{"url":"ftp://x/cb","state":"s"})"), "callback.url",
       "unreadable"},
      {Issuance("", R"("callback":{"url":"https://x/cb"})"), "callback.state", "state"},
      {Issuance("", R"("callback":{"url":"https://x/cb","state":"s","headers":{"x-custom":"1"}})"),
       "callback.headers.x-custom", "Invalid callback header"},
      {Issuance("", R"("callback":{"url":"https://x/cb","state":"s","headers":{"api-key":1}})"),
       "callback.headers.api-key", "strings"},
      {Issuance("", R"("callback":{"url":"https://x/cb","state":"s","headers":[]})"),
       "callback.headers", "object"},
      {Issuance(R"(,"pin":{"value":"12","length":2})"), "pin.length", "4 to 16"},
      {Issuance(R"(,"pin":{"value":"12","length":17})"), "pin.length", "4 to 16"},
      {Issuance(R"(,"pin":{"value":"12a4","length":4})"), "pin.value", "4 digits"},
      {Issuance(R"(,"pin":{"value":"12345"})"), "pin.value", "6 digits"},
      {Issuance(R"(,"pin":{"value":"x","salt":"s","alg":"md5"})"), "pin.alg", "sha256"},
      {Issuance(R"(,"pin":{"value":"x","salt":"s","iterations":2})"), "pin.iterations", "1"},
      {Issuance(R"(,"pin":{"value":"x","alg":"sha256"})"), "pin.salt", "salt"},
      {Issuance(R"(,"pin":{"value":"1234","type":"alpha","length":4})"), "pin.type", "numeric"},
      {Issuance(R"(,"pin":3)"), "pin", "object"},
      {Issuance(R"(,"claims":{"given_name":5})"), "claims.given_name", "must be a string"},
      {Issuance(R"(,"claims":[])"), "claims", "object"},
      {Issuance(R"(,"expirationDate":"tomorrow")"), "expirationDate", "ISO 8601"},
  };
  for (const auto& c : cases) ExpectIssuanceFailure(c);
}

TEST(IssuanceParseTest, AuthorityRegistrationManifestType) {
  const std::string cb = kCallback;
  ExpectIssuanceFailure({"{" + cb + "," + kReg + R"(,"type":"t","manifest":"https://m"})",
                         "authority", "The request does not contain a valid authority DID."});
  ExpectIssuanceFailure(
      {"{" + cb + "," + kReg + R"(,"authority":"web:x","type":"t","manifest":"https://m"})",
       "authority", "valid authority DID"});
  ExpectIssuanceFailure(
      {"{" + cb + R"(,"authority":"did:web:x","type":"t","manifest":"https://m"})", "registration",
       "registration"});
  ExpectIssuanceFailure(
      {"{" + cb + R"(,"registration":{},"authority":"did:web:x","manifest":"https://m"})",
       "registration.clientName", "clientName"});
  ExpectIssuanceFailure({"{" + cb + "," + kReg + R"(,"authority":"did:web:x","type":"t"})",
                         "manifest", "manifest URL"});
  ExpectIssuanceFailure(
      {"{" + cb + "," + kReg + R"(,"authority":"did:web:x","type":1,"manifest":"https://m"})",
       "type", "string"});
}

TEST(IssuanceParseTest, HashedPinNeedsNoDigits) {
  auto r = ParseIssuanceRequest(Issuance(
      R"(,"pin":{"value":"uUBy+sSE=","length":4,"salt":"ab","alg":"sha256","iterations":1})"));
  ASSERT_TRUE(r.ok()) << r.failure().message;
  EXPECT_TRUE(r->pin->hashed);
  EXPECT_EQ(r->pin->salt, "ab");
}

TEST(PresentationParseTest, AcceptsConstraintsAndValidation) {
  auto r = ParsePresentationRequest(Presentation(
      R"({"type":"T","acceptedIssuers":["did:web:i"],"constraints":[{"claimName":"c","values":["a","b"]},{"claimName":"d","contains":"x"},{"claimName":"e","startsWith":"y"}],"configuration":{"validation":{"allowRevoked":true,"validateLinkedDomain":true}}})",
      R"(,"includeReceipt":true)"));
  ASSERT_TRUE(r.ok()) << r.failure().message;
  ASSERT_EQ(r->requested.size(), 1u);
  EXPECT_TRUE(r->requested[0].allow_revoked);
  EXPECT_TRUE(r->requested[0].validate_linked_domain);
  EXPECT_EQ(r->requested[0].constraints.size(), 3u);
  EXPECT_TRUE(r->include_receipt);
}

TEST(PresentationParseTest, EachValidationError) {
  const std::string fc = R"({"type":"T","configuration":{"validation":{"faceCheck":)";
  const std::vector<Case> cases = {
      {Presentation("", ""), "requestedCredentials", "non-empty"},
      {Presentation(R"({"type":"T"})", R"(,"includeReceipt":1)"), "includeReceipt", "not boolean"},
      {Presentation(R"({"type":"T"})", R"(,"includeQRCode":"true")"), "includeQRCode",
       "not boolean"},
      {Presentation("1"), "requestedCredentials[0]", "object"},
      {Presentation(R"({"purpose":"p"})"), "requestedCredentials[0].type", "type"},
      {Presentation(R"({"type":"T","acceptedIssuers":"did:web:i"})"),
       "requestedCredentials[0].acceptedIssuers", "array"},
      {Presentation(R"({"type":"T","acceptedIssuers":["https://i"]})"),
       "requestedCredentials[0].acceptedIssuers", "DIDs"},
      {Presentation(R"({"type":"T","constraints":{}})"), "requestedCredentials[0].constraints",
       "array"},
      {Presentation(R"({"type":"T","constraints":[{"values":["a"]}]})"),
       "requestedCredentials[0].constraints[0].claimName", "claimName"},
      {Presentation(R"({"type":"T","constraints":[{"claimName":"c"}]})"),
       "requestedCredentials[0].constraints[0]", "exactly one"},
      {Presentation(
           R"({"type":"T","constraints":[{"claimName":"c","values":["a"],"contains":"b"}]})"),
       "requestedCredentials[0].constraints[0]", "exactly one"},
      {Presentation(R"({"type":"T","constraints":[{"claimName":"c","values":[]}]})"),
       "requestedCredentials[0].constraints[0].values", "empty"},
      {Presentation(R"({"type":"T","constraints":[{"claimName":"c","contains":1}]})"),
       "requestedCredentials[0].constraints[0].contains", "string"},
      {Presentation(R"({"type":"T","configuration":{"validation":{"allowRevoked":"no"}}})"),
       "requestedCredentials[0].configuration.validation.allowRevoked", "not boolean"},
      {Presentation(fc + R"({}}}})"),
       "requestedCredentials[0].configuration.validation.faceCheck.sourcePhotoClaimName",
       "mandatory"},
      {Presentation(fc + R"({"sourcePhotoClaimName":"photo","matchConfidenceThreshold":49}}}})"),
       "requestedCredentials[0].configuration.validation.faceCheck.matchConfidenceThreshold",
       "50 to 100"},
      {Presentation(fc + R"({"sourcePhotoClaimName":"photo","matchConfidenceThreshold":101}}}})"),
       "requestedCredentials[0].configuration.validation.faceCheck.matchConfidenceThreshold",
       "50 to 100"},
      {Presentation(fc + R"({"sourcePhotoClaimName":"photo"}}}})", R"(,"includeReceipt":true)"),
       "includeReceipt", "must be false when faceCheck"},
      {Presentation(fc + R"({"sourcePhotoClaimName":"photo","matchConfidenceThreshold":70}}}})"),
       "requestedCredentials[0].configuration.validation.faceCheck",
       "FaceCheck cannot be performed", "faceCheckNotSupported"},
  };
  for (const auto& c : cases) ExpectPresentationFailure(c);
}

}  // namespace
}  // namespace vc::request_service
