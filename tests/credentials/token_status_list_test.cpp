#include "credentials/token_status_list.h"

#include <gtest/gtest.h>

#include "common/base/base64url.h"
#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/jose/jws.h"

namespace vc::credentials {
namespace {

// Vectors: draft-ietf-oauth-status-list examples (shared/specs/vc-landscape-and-vectors.md §3.7).
constexpr int kOneBit[] = {1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1};
constexpr int kTwoBit[] = {1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3};
constexpr const char* kSpecJwk =
    R"({"kty":"EC","crv":"P-256","x":"I3HWm_0Ds1dPMI-IWmf4mBmH-YaeAVbPVu7vB27CxXo",)"
    R"("y":"6N_d5Elj9bs1htgV3okJKIdbHEpkgTmAluYKJemzn1M","kid":"12","alg":"ES256"})";
constexpr const char* kSpecToken =
    "eyJhbGciOiJFUzI1NiIsImtpZCI6IjEyIiwidHlwIjoic3RhdHVzbGlzdCtqd3QifQ."
    "eyJleHAiOjIyOTE3MjAxNzAsImlhdCI6MTY4NjkyMDE3MCwiaXNzIjoiaHR0cHM6Ly9leGFtcGxlLmNvbSIsInN0YXR1"
    "c19saXN0Ijp7ImJpdHMiOjEsImxzdCI6ImVOcmJ1UmdBQWhjQlhRIn0sInN1YiI6Imh0dHBzOi8vZXhhbXBsZS5jb20v"
    "c3RhdHVzbGlzdHMvMSIsInR0bCI6NDMyMDB9."
    "2lKUUNG503R9htu4aHAYi7vjmr3sgApbfoDvPrl65N3URUO1EYqqQl45Jfzd-Av4QzlKa3oVALpLwOEUOq-U_g";
constexpr size_t kLongIndexes[] = {0,      1993,   25460,  159495, 495669, 554353,
                                   645645, 723232, 854545, 934534, 1000345};

TEST(TokenStatusListTest, OneBitSpecVectorEncodesByteForByte) {
  TokenStatusList list(16, 1);
  for (size_t i = 0; i < 16; ++i) list.Set(i, static_cast<uint8_t>(kOneBit[i]));
  auto compressed = common::Base64UrlDecode(list.EncodeLst());
  ASSERT_TRUE(compressed);
  EXPECT_EQ(common::HexEncode(*compressed), "78dadbb918000217015d");
  EXPECT_EQ(list.ToJson(), R"({"bits":1,"lst":"eNrbuRgAAhcBXQ"})");
}

TEST(TokenStatusListTest, TwoBitSpecVectorRoundTrips) {
  TokenStatusList list(12, 2);
  for (size_t i = 0; i < 12; ++i) list.Set(i, static_cast<uint8_t>(kTwoBit[i]));
  EXPECT_EQ(list.EncodeLst(), "eNo76fITAAPfAgc");
  auto decoded = TokenStatusList::Decode(2, "eNo76fITAAPfAgc");
  ASSERT_TRUE(decoded) << decoded.error().message;
  for (size_t i = 0; i < 12; ++i) EXPECT_EQ(decoded->Get(i), kTwoBit[i]) << i;
}

TEST(TokenStatusListTest, LongOneBitSpecVectorDecodes) {
  auto list =
      TokenStatusList::Decode(1,
                              "eNrt3AENwCAMAEGogklACtKQPg9LugC9k_"
                              "ACvreiogEAAKkeCQAAAAAAAAAAAAAAAAAAAIBylgQAAAAAAAAAAAAAAAAAAAAA"
                              "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAXG9IAAAAAAAAAPwsJAAAAAAAAAAAAAAAvhsS"
                              "AAAAAAAAAAAA7KpLAAAAAAAAAAAA"
                              "AAAAAAAAAJsLCQAAAAAAAAAAADjelAAAAAAAAAAAKjDMAQAAAACAZC8L2AEb");
  ASSERT_TRUE(list) << list.error().message;
  EXPECT_EQ(list->size(), 1048576u);
  size_t set = 0;
  for (size_t i = 0; i < list->size(); ++i) set += list->Get(i);
  EXPECT_EQ(set, 11u);
  for (size_t i : kLongIndexes) EXPECT_EQ(list->Get(i), 1) << i;
}

TEST(TokenStatusListTest, OutOfRangeIsValidAndIgnored) {
  TokenStatusList list(8, 1);
  list.Set(100, 1);
  EXPECT_EQ(list.Get(100), 0);
  EXPECT_EQ(list.size(), 8u);
}

TEST(TokenStatusListTest, DecodeRefusesBadInput) {
  EXPECT_FALSE(TokenStatusList::Decode(3, "eNrbuRgAAhcBXQ"));
  EXPECT_FALSE(TokenStatusList::Decode(1, "not base64!"));
  EXPECT_FALSE(TokenStatusList::Decode(1, common::Base64UrlEncode("not zlib")));
  // A zlib bomb: more than kMaxBytes once inflated.
  const std::string big(TokenStatusList::kMaxBytes + 1, '\0');
  auto r = TokenStatusList::Decode(1, common::Base64UrlEncode(ZlibCompress(big)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "invalid_status_list");
}

TEST(TokenStatusListTest, VerifiesTheSpecsSignedToken) {
  auto key = common::Jwk::FromJsonText(kSpecJwk);
  ASSERT_TRUE(key) << key.error().message;
  auto v = VerifyStatusListToken(kSpecToken, *key, "https://example.com/statuslists/1", 1686920170);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->claims.iss, "https://example.com");
  EXPECT_EQ(v->claims.ttl, 43200);
  for (size_t i = 0; i < 16; ++i) EXPECT_EQ(v->list.Get(i), kOneBit[i]) << i;
  // idx 0 of the spec's referenced token is INVALID.
  EXPECT_EQ(v->list.Get(0), kStatusInvalid);
}

TEST(TokenStatusListTest, RefusesAnotherUriOrExpiryOrTyp) {
  auto key = common::Jwk::FromJsonText(kSpecJwk);
  ASSERT_TRUE(key);
  auto wrong_uri = VerifyStatusListToken(kSpecToken, *key, "https://example.com/statuslists/2", 0);
  ASSERT_FALSE(wrong_uri);
  EXPECT_EQ(wrong_uri.error().code, "invalid_status_list_token");
  EXPECT_FALSE(VerifyStatusListToken(kSpecToken, *key, "https://example.com/statuslists/1",
                                     2291720170 + 120));
  auto signer = common::Jwk::Generate(common::JwsAlg::kES256);
  auto plain = common::SignCompact(
      signer, common::JwsAlg::kES256,
      R"({"sub":"u","iat":1,"status_list":{"bits":1,"lst":"eNrbuRgAAhcBXQ"}})", {"JWT", "", ""});
  ASSERT_TRUE(plain);
  EXPECT_FALSE(VerifyStatusListToken(*plain, signer, "u", 10));
  auto other = common::Jwk::Generate(common::JwsAlg::kES256);
  EXPECT_FALSE(VerifyStatusListToken(kSpecToken, other, "https://example.com/statuslists/1", 0));
}

TEST(TokenStatusListTest, IssuedTokenVerifiesAndReadsBack) {
  auto key = common::Jwk::Generate(common::JwsAlg::kES256);
  TokenStatusList list(131072, 1);
  list.Set(4242, kStatusInvalid);
  StatusListTokenClaims claims{"https://idv.example", "https://idv.example/sl/1", 1000, 2000, 300};
  auto jwt = IssueStatusListToken(claims, list, key, common::JwsAlg::kES256, "kid-1");
  ASSERT_TRUE(jwt) << jwt.error().message;
  auto header = common::ParseCompact(*jwt);
  ASSERT_TRUE(header);
  EXPECT_EQ(header->typ, "statuslist+jwt");
  EXPECT_EQ(header->kid, "kid-1");
  auto v = VerifyStatusListToken(*jwt, key, "https://idv.example/sl/1", 1500);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->list.size(), 131072u);
  EXPECT_EQ(v->list.Get(4242), kStatusInvalid);
  EXPECT_EQ(v->list.Get(4243), kStatusValid);
  EXPECT_EQ(v->claims.exp, 2000);
}

}  // namespace
}  // namespace vc::credentials
