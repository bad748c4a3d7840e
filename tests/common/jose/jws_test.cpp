#include "common/jose/jws.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/base/base64url.h"
#include "common/base/json.h"
#include "jose_test_data.h"

namespace vc::common {
namespace {

using testing::kRfc7515Payload;
using testing::LoadJwk;
using testing::ReadJoseData;

constexpr JwsAlg kAllAlgs[] = {JwsAlg::kRS256,  JwsAlg::kPS256, JwsAlg::kES256,
                               JwsAlg::kES256K, JwsAlg::kEdDSA, JwsAlg::kHS256};

// The error code VerifyCompact gives ("" when the token verifies).
std::string VerifyCode(std::string_view token, const Jwk& key,
                       std::initializer_list<JwsAlg> allowed) {
  auto r = VerifyCompact(token, key, allowed);
  return r ? "" : r.error().code;
}

// A token with the given raw header JSON and signature bytes.
std::string Token(std::string_view header, std::string_view payload, std::string_view sig) {
  return Base64UrlEncode(header) + "." + Base64UrlEncode(payload) + "." + Base64UrlEncode(sig);
}

TEST(JwsVectors, Rfc7515A2ResignedByteForByte) {
  const Jwk key = LoadJwk("rfc7515_a2_rsa.jwk.json");
  auto token = SignCompact(key, JwsAlg::kRS256, kRfc7515Payload);
  ASSERT_TRUE(token.ok()) << token.error().message;
  EXPECT_EQ(*token, ReadJoseData("rfc7515_a2.jws"));
  auto verified = VerifyCompact(*token, key.PublicOnly(), {JwsAlg::kRS256});
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  EXPECT_EQ(verified->payload, kRfc7515Payload);
  EXPECT_EQ(verified->alg_name, "RS256");
}

TEST(JwsVectors, Rfc7515A3Verifies) {
  const Jwk key = LoadJwk("rfc7515_a3_ec.jwk.json").PublicOnly();
  auto verified = VerifyCompact(ReadJoseData("rfc7515_a3.jws"), key, {JwsAlg::kES256});
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  EXPECT_EQ(verified->payload, kRfc7515Payload);
}

TEST(JwsVectors, Rfc8037A4EdDsaByteForByte) {
  const Jwk key = LoadJwk("rfc8037_ed25519.jwk.json");
  auto token = SignCompact(key, JwsAlg::kEdDSA, "Example of Ed25519 signing");
  ASSERT_TRUE(token.ok()) << token.error().message;
  EXPECT_EQ(*token, ReadJoseData("rfc8037_a4.jws"));
  EXPECT_EQ(VerifyCode(*token, key.PublicOnly(), {JwsAlg::kEdDSA}), "");
}

TEST(JwsErrors, CodesAreStable) {
  EXPECT_EQ(Code(JoseError::kMalformed), "malformed_token");
  EXPECT_EQ(Code(JoseError::kInvalidHeader), "invalid_header");
  EXPECT_EQ(Code(JoseError::kMissingAlg), "missing_alg");
  EXPECT_EQ(Code(JoseError::kUnsupportedAlg), "unsupported_alg");
  EXPECT_EQ(Code(JoseError::kAlgNotAllowed), "alg_not_allowed");
  EXPECT_EQ(Code(JoseError::kKeyMismatch), "key_mismatch");
  EXPECT_EQ(Code(JoseError::kInvalidSignature), "invalid_signature");
  EXPECT_EQ(Code(JoseError::kInvalidPayload), "invalid_payload");
  EXPECT_EQ(MakeJoseError(JoseError::kInvalidPayload, "m").code, "invalid_payload");
}

class JwsRoundTrip : public ::testing::TestWithParam<JwsAlg> {
 protected:
  const Jwk key_ = Jwk::Generate(GetParam());
  const Jwk verify_key_ = key_.PublicOnly();
  const std::string token_ = SignCompact(key_, GetParam(), R"({"sub":"s"})").value();
};

TEST_P(JwsRoundTrip, SignsAndVerifies) {
  auto verified = VerifyCompact(token_, verify_key_, {GetParam()});
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  EXPECT_EQ(verified->payload, R"({"sub":"s"})");
  EXPECT_EQ(verified->header_json, "{\"alg\":\"" + std::string(AlgName(GetParam())) + "\"}");
}

TEST_P(JwsRoundTrip, WrongKeyFails) {
  EXPECT_EQ(VerifyCode(token_, Jwk::Generate(GetParam()).PublicOnly(), {GetParam()}),
            "invalid_signature");
}

TEST_P(JwsRoundTrip, TamperedPayloadFails) {
  const size_t dot = token_.find('.');
  std::string tampered = token_;
  tampered.replace(dot + 1, token_.find('.', dot + 1) - dot - 1, Base64UrlEncode(R"({"sub":"t"})"));
  EXPECT_EQ(VerifyCode(tampered, verify_key_, {GetParam()}), "invalid_signature");
}

TEST_P(JwsRoundTrip, TruncatedSignatureFails) {
  auto parsed = ParseCompact(token_);
  ASSERT_TRUE(parsed.ok());
  const std::string sig = parsed->signature.substr(0, parsed->signature.size() - 1);
  auto r =
      VerifyCompact(Token(parsed->header_json, parsed->payload, sig), verify_key_, {GetParam()});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_signature");
  EXPECT_NE(r.error().message.find("expected"), std::string::npos) << r.error().message;
}

TEST_P(JwsRoundTrip, ExtendedSignatureFails) {
  auto parsed = ParseCompact(token_);
  ASSERT_TRUE(parsed.ok());
  for (const std::string& sig : {parsed->signature + '\0', '\0' + parsed->signature}) {
    EXPECT_EQ(
        VerifyCode(Token(parsed->header_json, parsed->payload, sig), verify_key_, {GetParam()}),
        "invalid_signature");
  }
}

TEST_P(JwsRoundTrip, AlgNotInAllowList) {
  const JwsAlg other = GetParam() == JwsAlg::kES256 ? JwsAlg::kRS256 : JwsAlg::kES256;
  EXPECT_EQ(VerifyCode(token_, verify_key_, {other}), "alg_not_allowed");
  EXPECT_EQ(VerifyCode(token_, verify_key_, {}), "alg_not_allowed");
  auto parsed = ParseCompact(token_);
  ASSERT_TRUE(parsed.ok());
  const std::vector<JwsAlg> allowed{other, GetParam()};
  EXPECT_TRUE(VerifySignature(*parsed, verify_key_, allowed).ok());
}

TEST_P(JwsRoundTrip, HeaderMembersInOrder) {
  const Jwk pub = Jwk::Generate(JwsAlg::kEdDSA).PublicOnly();
  JwsHeader header{"JWT", "key-1", pub.ToPublicJson()};
  auto token = SignCompact(key_, GetParam(), "{}", header);
  ASSERT_TRUE(token.ok()) << token.error().message;
  auto parsed = ParseCompact(*token);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->header_json, "{\"alg\":\"" + std::string(AlgName(GetParam())) +
                                     R"(","typ":"JWT","kid":"key-1","jwk":)" + pub.ToPublicJson() +
                                     "}");
  EXPECT_EQ(parsed->kid, "key-1");
  EXPECT_EQ(parsed->typ, "JWT");
  EXPECT_TRUE(VerifySignature(*parsed, verify_key_, {GetParam()}).ok());
}

INSTANTIATE_TEST_SUITE_P(AllAlgs, JwsRoundTrip, ::testing::ValuesIn(kAllAlgs),
                         [](const auto& info) { return std::string(AlgName(info.param)); });

TEST(JwsSecurity, AlgNoneIsUnsupported) {
  const Jwk key = Jwk::Generate(JwsAlg::kRS256);
  EXPECT_EQ(VerifyCode(Token(R"({"alg":"none"})", "{}", "x"), key, {JwsAlg::kRS256}),
            "unsupported_alg");
  // The unsecured form (RFC 7515 A.5) has an empty third part: refused for its
  // algorithm, so a caller can tell an "alg: none" attack from garbage.
  EXPECT_EQ(VerifyCode(Base64UrlEncode(R"({"alg":"none"})") + ".e30.", key, {JwsAlg::kRS256}),
            "unsupported_alg");
  // An empty signature under a real algorithm is just a bad signature.
  EXPECT_EQ(VerifyCode(Base64UrlEncode(R"({"alg":"RS256"})") + ".e30.", key, {JwsAlg::kRS256}),
            "invalid_signature");
  EXPECT_EQ(VerifyCode(Token(R"({"alg":"RS512"})", "{}", "x"), key, {JwsAlg::kRS256}),
            "unsupported_alg");
}

TEST(JwsSecurity, HmacWithRsaPublicKeyIsRefused) {
  // The classic confusion: the attacker uses the verifier's RSA public key
  // (as PEM text) as an HMAC secret and sets alg to HS256.
  const Jwk rsa = Jwk::Generate(JwsAlg::kRS256).PublicOnly();
  const Jwk forged_secret = Jwk::FromSecret(rsa.ToPublicPem().value());
  auto forged = SignCompact(forged_secret, JwsAlg::kHS256, R"({"sub":"admin"})");
  ASSERT_TRUE(forged.ok());
  EXPECT_EQ(VerifyCode(*forged, rsa, {JwsAlg::kRS256}), "alg_not_allowed");
  EXPECT_EQ(VerifyCode(*forged, rsa, {JwsAlg::kRS256, JwsAlg::kHS256}), "key_mismatch");
}

TEST(JwsSecurity, KeyOfAnotherCurveIsAMismatch) {
  const Jwk p256 = Jwk::Generate(JwsAlg::kES256);
  const Jwk k1 = Jwk::Generate(JwsAlg::kES256K);
  auto token = SignCompact(p256, JwsAlg::kES256, "{}");
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(VerifyCode(*token, k1, {JwsAlg::kES256, JwsAlg::kES256K}), "key_mismatch");
  EXPECT_EQ(SignCompact(k1, JwsAlg::kES256, "{}").error().code, "key_mismatch");
  EXPECT_EQ(SignCompact(Jwk::FromSecret("short"), JwsAlg::kHS256, "{}").error().code,
            "key_mismatch");
}

TEST(JwsSecurity, ZeroEcdsaSignatureFails) {
  const Jwk key = Jwk::Generate(JwsAlg::kES256);
  EXPECT_EQ(
      VerifyCode(Token(R"({"alg":"ES256"})", "{}", std::string(64, '\0')), key, {JwsAlg::kES256}),
      "invalid_signature");
}

TEST(JwsParse, BadBase64UrlInEachPart) {
  const std::string good = SignCompact(Jwk::Generate(JwsAlg::kEdDSA), JwsAlg::kEdDSA, "{}").value();
  const size_t d1 = good.find('.');
  const size_t d2 = good.find('.', d1 + 1);
  for (size_t pos : {size_t{0}, d1 + 1, d2 + 1}) {
    std::string bad = good;
    bad[pos] = '+';
    auto r = ParseCompact(bad);
    ASSERT_FALSE(r.ok()) << pos;
    EXPECT_EQ(r.error().code, "malformed_token");
    EXPECT_NE(r.error().message.find("not base64url"), std::string::npos);
  }
  EXPECT_EQ(ParseCompact(good + "=").error().code, "malformed_token");  // padding
}

TEST(JwsParse, WrongNumberOfParts) {
  EXPECT_EQ(ParseCompact("abc").error().code, "malformed_token");
  EXPECT_EQ(ParseCompact("a.b").error().code, "malformed_token");
  EXPECT_EQ(ParseCompact("e30.e30.e30.e30.e30").error().code, "malformed_token");  // JWE
  EXPECT_EQ(ParseCompact("..").error().code, "malformed_token");
}

TEST(JwsParse, OversizeToken) {
  const std::string big = Token(R"({"alg":"HS256"})", std::string(kDefaultMaxTokenBytes, 'a'), "s");
  auto r = ParseCompact(big);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "malformed_token");
  EXPECT_NE(r.error().message.find("exceeds"), std::string::npos);
  EXPECT_TRUE(ParseCompact(big, 2 * kDefaultMaxTokenBytes).ok());
}

TEST(JwsParse, HeaderMustBeASmallFlatObject) {
  auto code = [](std::string_view header) -> std::string {
    auto r = ParseCompact(Token(header, "{}", "sig"));
    return r ? "" : r.error().code;
  };
  EXPECT_EQ(code(R"({"alg":"RS256"})"), "");
  EXPECT_EQ(code(R"({"alg":"RS256","x":[[[[[[[[[[1]]]]]]]]]]})"), "invalid_header");
  EXPECT_EQ(code(R"({"alg":"RS256","alg":"none"})"), "invalid_header");
  EXPECT_EQ(code(R"(["alg","RS256"])"), "invalid_header");
  EXPECT_EQ(code(R"("RS256")"), "invalid_header");
  EXPECT_EQ(code(R"({"alg":"RS256")"), "invalid_header");
  EXPECT_EQ(code(R"({"alg":"RS256","pad":")" + std::string(9000, 'p') + "\"}"), "invalid_header");
  EXPECT_EQ(code(R"({"typ":"JWT"})"), "missing_alg");
  EXPECT_EQ(code(R"({"alg":256})"), "missing_alg");
  EXPECT_EQ(code(R"({"alg":"RS256","kid":5})"), "invalid_header");
  EXPECT_EQ(code(R"({"alg":"RS256","crit":["exp"],"exp":1})"), "invalid_header");
}

TEST(JwsParse, DuplicateAlgNamesTheMember) {
  auto r = ParseCompact(Token(R"({"alg":"RS256","alg":"HS256"})", "{}", "sig"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_header");
  EXPECT_NE(r.error().message.find("duplicate key \"alg\""), std::string::npos);
}

TEST(JwsParse, UntrustedAlgIsQuotedShortly) {
  const Jwk key = Jwk::Generate(JwsAlg::kEdDSA);
  auto r = VerifyCompact(Token(R"({"alg":")" + std::string(500, 'A') + "\"}", "{}", "s"), key,
                         {JwsAlg::kEdDSA});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "unsupported_alg");
  EXPECT_LT(r.error().message.size(), 100u);
}

TEST(JwsContextCache, SameKeyUnderTwoAlgsAndManyKeys) {
  // Verification contexts are cached per thread by (key, alg): RS256 and PS256
  // on one key must not share one, and more keys than cache slots must still work.
  const Jwk rsa = Jwk::Generate(JwsAlg::kRS256);
  const std::string rs = SignCompact(rsa, JwsAlg::kRS256, "{}").value();
  const std::string ps = SignCompact(rsa, JwsAlg::kPS256, "{}").value();
  auto ps_as_rs = ParseCompact(ps).value();
  ps_as_rs.alg_name = "RS256";  // a PSS signature presented as PKCS#1 v1.5
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(VerifyCode(rs, rsa, {JwsAlg::kRS256, JwsAlg::kPS256}), "");
    EXPECT_EQ(VerifyCode(ps, rsa, {JwsAlg::kRS256, JwsAlg::kPS256}), "");
    EXPECT_EQ(VerifySignature(ps_as_rs, rsa, {JwsAlg::kRS256}).error().code, "invalid_signature");
  }
  std::vector<std::pair<Jwk, std::string>> keys;
  for (int i = 0; i < 12; ++i) {
    const Jwk k = Jwk::Generate(i % 2 ? JwsAlg::kES256 : JwsAlg::kES256K);
    const JwsAlg alg = i % 2 ? JwsAlg::kES256 : JwsAlg::kES256K;
    keys.emplace_back(k.PublicOnly(), SignCompact(k, alg, std::to_string(i)).value());
  }
  for (int round = 0; round < 2; ++round) {
    for (size_t i = 0; i < keys.size(); ++i) {
      EXPECT_EQ(VerifyCode(keys[i].second, keys[i].first, {JwsAlg::kES256, JwsAlg::kES256K}), "");
      const auto& other = keys[(i + 2) % keys.size()].first;  // same curve, wrong key
      EXPECT_EQ(VerifyCode(keys[i].second, other, {JwsAlg::kES256, JwsAlg::kES256K}),
                "invalid_signature");
    }
  }
}

TEST(JwsThreads, ConcurrentVerificationsWithOneKey) {
  const Jwk key = Jwk::Generate(JwsAlg::kES256);
  const Jwk pub = key.PublicOnly();
  const std::string token = SignCompact(key, JwsAlg::kES256, "{}").value();
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) ok += VerifyCompact(token, pub, {JwsAlg::kES256}).ok();
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 200);
}

}  // namespace
}  // namespace vc::common
