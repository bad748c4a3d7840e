#include "credentials/sd_jwt.h"

#include <gtest/gtest.h>

#include "common/base/base64url.h"
#include "common/base/json.h"
#include "common/jose/jws.h"

namespace vc::credentials {
namespace {
using common::Jwk;
using common::JwsAlg;

constexpr int64_t kNow = 1'700'000'000;

// RFC 9901 §4.2.1 example disclosure (the spec's own encoding, with spaces).
TEST(SdJwtTest, ParsesTheRfcExampleDisclosureAndItsDigest) {
  auto d = ParseDisclosure("WyIyR0xDNDJzS1F2ZUNmR2ZyeU5STjl3IiwgImdpdmVuX25hbWUiLCAiSm9obiJd");
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->salt, "2GLC42sKQveCfGfryNRN9w");
  EXPECT_EQ(d->name, "given_name");
  EXPECT_EQ(d->value_json, "\"John\"");
  EXPECT_EQ(d->digest, "jsu9yVulwQQlhFlM_3JlzMaSFzglhQG0DpfayQwLUK4");
}

TEST(SdJwtTest, MakeDisclosureWritesSaltNameValue) {
  Disclosure d = MakeDisclosure("2GLC42sKQveCfGfryNRN9w", "given_name", "\"John\"");
  auto json = common::Base64UrlDecode(d.encoded);
  ASSERT_TRUE(json);
  EXPECT_EQ(*json, R"(["2GLC42sKQveCfGfryNRN9w","given_name","John"])");
  EXPECT_EQ(d.digest, SdDigest(d.encoded));
  EXPECT_NE(MakeDisclosure("a", "1").salt, MakeDisclosure("a", "1").salt);
}

TEST(SdJwtTest, RefusesReservedOrMalformedDisclosures) {
  for (const char* json : {R"(["s","_sd","x"])", R"(["s","...","x"])", R"([1,"n","x"])", R"(["s"])",
                           R"({"a":1})", R"(["s",2,"x"])"}) {
    auto d = ParseDisclosure(common::Base64UrlEncode(json));
    ASSERT_FALSE(d) << json;
    EXPECT_EQ(d.error().reason, SdJwtError::kInvalidDisclosure) << json;
  }
}

struct Issued {
  Jwk issuer = Jwk::Generate(JwsAlg::kES256);
  Jwk holder = Jwk::Generate(JwsAlg::kES256);
  std::string sd_jwt;
};

Issued IssueExample() {
  Issued out;
  SdJwtToIssue t;
  t.kid = "k1";
  t.plain_claims_json = R"({"iss":"https://idv.example","vct":"https://idv.example/vct","iat":)" +
                        std::to_string(kNow) + R"(,"exp":)" + std::to_string(kNow + 3600) +
                        R"(,"cnf":{"jwk":)" + out.holder.ToPublicJson() + "}}";
  t.disclosed = {{"realName", "\"Megan Bowen\""}, {"idCardType", "\"PASSPORT\""}};
  auto s = IssueSdJwt(t, out.issuer, JwsAlg::kES256);
  EXPECT_TRUE(s) << (s ? "" : s.error().message);
  out.sd_jwt = s ? *s : "";
  return out;
}

SdJwtVerifyOptions Options() {
  SdJwtVerifyOptions o;
  o.now = kNow + 10;
  return o;
}

TEST(SdJwtTest, IssuedSdJwtVerifiesWithEveryClaim) {
  Issued i = IssueExample();
  ASSERT_EQ(i.sd_jwt.back(), '~');
  auto v = VerifySdJwt(i.sd_jwt, i.issuer, Options());
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->issuer_jwt.typ, "dc+sd-jwt");
  EXPECT_EQ(v->issuer_jwt.kid, "k1");
  EXPECT_EQ(common::GetString(v->claims, "realName").value_or(""), "Megan Bowen");
  EXPECT_EQ(common::GetString(v->claims, "idCardType").value_or(""), "PASSPORT");
  EXPECT_FALSE(v->claims.HasMember("_sd"));
  EXPECT_FALSE(v->claims.HasMember("_sd_alg"));
  EXPECT_EQ(v->disclosures.size(), 2u);
  // The payload itself holds digests, never the values.
  auto parts = SplitSdJwt(i.sd_jwt);
  ASSERT_TRUE(parts);
  auto token = common::ParseCompact(parts->issuer_jwt);
  ASSERT_TRUE(token);
  EXPECT_EQ(token->payload.find("Megan"), std::string::npos);
  EXPECT_NE(token->payload.find(R"("_sd_alg":"sha-256")"), std::string::npos);
}

TEST(SdJwtTest, UndisclosedClaimsStayHidden) {
  Issued i = IssueExample();
  auto parts = SplitSdJwt(i.sd_jwt);
  ASSERT_TRUE(parts);
  const std::string only_first = parts->issuer_jwt + "~" + parts->disclosures[0] + "~";
  auto v = VerifySdJwt(only_first, i.issuer, Options());
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->claims.HasMember("realName") + v->claims.HasMember("idCardType"), 1);
}

TEST(SdJwtTest, RefusalsHaveOneReasonEach) {
  Issued i = IssueExample();
  auto parts = SplitSdJwt(i.sd_jwt);
  ASSERT_TRUE(parts);
  const auto reason = [&](const std::string& s, const Jwk& key, SdJwtVerifyOptions o = Options()) {
    auto v = VerifySdJwt(s, key, o);
    return v ? std::string("ok") : std::string(Code(v.error().reason));
  };
  EXPECT_EQ(reason(parts->issuer_jwt, i.issuer), "malformed_sd_jwt");
  EXPECT_EQ(reason(i.sd_jwt, Jwk::Generate(JwsAlg::kES256)), "invalid_signature");
  auto wrong_typ = Options();
  wrong_typ.expected_typ = "vc+sd-jwt";
  EXPECT_EQ(reason(i.sd_jwt, i.issuer, wrong_typ), "wrong_type");
  auto late = Options();
  late.now = kNow + 7200;
  EXPECT_EQ(reason(i.sd_jwt, i.issuer, late), "invalid_claims");
  const std::string twice = i.sd_jwt + parts->disclosures[0] + "~";
  EXPECT_EQ(reason(twice, i.issuer), "duplicate_digest");
  const std::string stranger = i.sd_jwt + MakeDisclosure("realName", "\"Eve\"").encoded + "~";
  EXPECT_EQ(reason(stranger, i.issuer), "unreferenced_disclosure");
  auto need_kb = Options();
  need_kb.key_binding = KeyBindingCheck{"https://rp.example", "n-1", 300};
  EXPECT_EQ(reason(i.sd_jwt, i.issuer, need_kb), "key_binding_required");
}

TEST(SdJwtTest, RefusesADigestListedTwiceAndAClaimConflict) {
  const Jwk issuer = Jwk::Generate(JwsAlg::kES256);
  const Disclosure d = MakeDisclosure("name", "\"A\"");
  const auto sign = [&](const std::string& payload) {
    auto jwt = common::SignCompact(issuer, JwsAlg::kES256, payload, {"dc+sd-jwt", "", ""});
    return *jwt + "~" + d.encoded + "~";
  };
  auto twice = VerifySdJwt(sign(R"({"_sd":[")" + d.digest + R"(",")" + d.digest + R"("]})"), issuer,
                           Options());
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().reason, SdJwtError::kDuplicateDigest);
  auto conflict =
      VerifySdJwt(sign(R"({"name":"B","_sd":[")" + d.digest + R"("]})"), issuer, Options());
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().reason, SdJwtError::kClaimConflict);
  auto alg = VerifySdJwt(sign(R"({"_sd_alg":"sha-512","_sd":[")" + d.digest + R"("]})"), issuer,
                         Options());
  ASSERT_FALSE(alg);
  EXPECT_EQ(alg.error().reason, SdJwtError::kUnsupportedSdAlg);
}

TEST(SdJwtTest, NestedAndArrayDisclosuresAreResolvedDecoysDropped) {
  const Jwk issuer = Jwk::Generate(JwsAlg::kES256);
  const Disclosure street = MakeDisclosure("street", "\"Main St\"");
  common::JsonWriter w;
  w->StartArray();
  w.String("salt-1");
  w.String("DE");
  w->EndArray();
  const std::string element = common::Base64UrlEncode(w.str());
  const std::string payload = R"({"address":{"_sd":[")" + street.digest +
                              R"(","decoy-digest"]},"nationalities":[{"...":")" +
                              SdDigest(element) + R"("},{"...":"decoy-2"},"FR"]})";
  auto jwt = common::SignCompact(issuer, JwsAlg::kES256, payload, {"dc+sd-jwt", "", ""});
  ASSERT_TRUE(jwt);
  auto v = VerifySdJwt(*jwt + "~" + street.encoded + "~" + element + "~", issuer, Options());
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(common::ToJson(v->claims),
            R"({"address":{"street":"Main St"},"nationalities":["DE","FR"]})");
}

TEST(SdJwtTest, KeyBindingIsCheckedAgainstCnfAndSdHash) {
  Issued i = IssueExample();
  auto parts = SplitSdJwt(i.sd_jwt);
  ASSERT_TRUE(parts);
  auto presented = PresentSdJwt(*parts, {parts->disclosures[1]}, i.holder, JwsAlg::kES256,
                                "https://rp.example", "n-1", kNow);
  ASSERT_TRUE(presented) << presented.error().message;
  auto o = Options();
  o.key_binding = KeyBindingCheck{"https://rp.example", "n-1", 300};
  auto v = VerifySdJwt(*presented, i.issuer, o);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_FALSE(v->kb_jwt.empty());
  auto wrong_nonce = o;
  wrong_nonce.key_binding->nonce = "n-2";
  EXPECT_EQ(VerifySdJwt(*presented, i.issuer, wrong_nonce).error().reason,
            SdJwtError::kInvalidKeyBinding);
  auto wrong_aud = o;
  wrong_aud.key_binding->audience = "https://other.example";
  EXPECT_FALSE(VerifySdJwt(*presented, i.issuer, wrong_aud));
  // The KB-JWT of one presentation on other disclosures: sd_hash differs.
  const std::string kb = presented->substr(presented->rfind('~') + 1);
  const std::string swapped = parts->issuer_jwt + "~" + parts->disclosures[0] + "~" + kb;
  EXPECT_EQ(VerifySdJwt(swapped, i.issuer, o).error().reason, SdJwtError::kInvalidKeyBinding);
  // Signed by another key than cnf.jwk.
  auto forged = PresentSdJwt(*parts, {}, Jwk::Generate(JwsAlg::kES256), JwsAlg::kES256,
                             "https://rp.example", "n-1", kNow);
  ASSERT_TRUE(forged);
  EXPECT_EQ(VerifySdJwt(*forged, i.issuer, o).error().reason, SdJwtError::kInvalidKeyBinding);
}

TEST(SdJwtTest, SplitKeepsTheKbJwtApart) {
  auto p = SplitSdJwt("a.b.c~d1~d2~kb.x.y");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->issuer_jwt, "a.b.c");
  EXPECT_EQ(p->disclosures, (std::vector<std::string>{"d1", "d2"}));
  EXPECT_EQ(p->kb_jwt, "kb.x.y");
  EXPECT_EQ(p->without_kb, "a.b.c~d1~d2~");
  EXPECT_FALSE(SplitSdJwt("a.b.c~~"));
  EXPECT_FALSE(SplitSdJwt("~d1~"));
}

}  // namespace
}  // namespace vc::credentials
