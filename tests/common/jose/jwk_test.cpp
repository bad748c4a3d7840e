#include "common/jose/jwk.h"

#include <gtest/gtest.h>

#include "common/base/base64url.h"
#include "common/base/json.h"
#include "common/jose/jws.h"
#include "jose_test_data.h"

namespace vc::common {
namespace {

using testing::LoadJwk;
using testing::ReadJoseData;

constexpr JwsAlg kAllAlgs[] = {JwsAlg::kRS256,  JwsAlg::kPS256, JwsAlg::kES256,
                               JwsAlg::kES256K, JwsAlg::kEdDSA, JwsAlg::kHS256};

// The code of the error FromJsonText gives for `json` ("" if it succeeds).
std::string ImportError(const std::string& json) {
  auto key = Jwk::FromJsonText(json);
  return key ? "" : key.error().code + ": " + key.error().message;
}

// Replaces the member `name` of a JSON object with `value` (a JSON text), or
// removes it when `value` is empty.
std::string WithMember(const std::string& json, const char* name, const std::string& value) {
  auto doc = ParseJsonObject(json);
  EXPECT_TRUE(doc.ok());
  doc->RemoveMember(name);
  if (!value.empty()) {
    auto v = ParseJson(value);
    EXPECT_TRUE(v.ok());
    rapidjson::Value copy(*v, doc->GetAllocator());
    doc->AddMember(rapidjson::Value(name, doc->GetAllocator()), copy, doc->GetAllocator());
  }
  return ToJson(*doc);
}

TEST(JwkThumbprint, Rfc7638Section3_1) {
  const Jwk key = LoadJwk("rfc7638_rsa.jwk.json");
  EXPECT_EQ(key.Thumbprint(), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
  EXPECT_EQ(key.kid(), "2011-04-29");
  ASSERT_TRUE(key.alg().has_value());
  EXPECT_EQ(*key.alg(), JwsAlg::kRS256);
}

TEST(JwkThumbprint, Rfc7515AppendixKeys) {
  EXPECT_EQ(LoadJwk("rfc7515_a2_rsa.jwk.json").Thumbprint(),
            "IsUn6_e04MaShXFIISMp4kG62LWzMIPy_MvSA5pJgX8");
  EXPECT_EQ(LoadJwk("rfc7515_a3_ec.jwk.json").Thumbprint(),
            "oKIywvGUpTVTyxMQ3bwIIeQUudfr_CkLMjCE19ECD-U");
}

TEST(JwkThumbprint, Rfc8037Ed25519) {
  const Jwk key = LoadJwk("rfc8037_ed25519.jwk.json");
  EXPECT_EQ(key.Thumbprint(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
  // The thumbprint is of the public key: the same with or without "d".
  EXPECT_EQ(key.PublicOnly().Thumbprint(), key.Thumbprint());
}

TEST(JwkImport, AlgMemberRestrictsUse) {
  const Jwk key = LoadJwk("rfc7638_rsa.jwk.json");
  EXPECT_TRUE(key.CompatibleWith(JwsAlg::kRS256));
  EXPECT_FALSE(key.CompatibleWith(JwsAlg::kPS256));
  EXPECT_FALSE(key.has_private());
}

TEST(JwkImport, CompatibilityByKeyType) {
  const Jwk rsa = LoadJwk("rfc7515_a2_rsa.jwk.json");
  const Jwk p256 = LoadJwk("rfc7515_a3_ec.jwk.json");
  const Jwk ed = LoadJwk("rfc8037_ed25519.jwk.json");
  EXPECT_TRUE(rsa.CompatibleWith(JwsAlg::kRS256));
  EXPECT_TRUE(rsa.CompatibleWith(JwsAlg::kPS256));
  EXPECT_FALSE(rsa.CompatibleWith(JwsAlg::kHS256));
  EXPECT_TRUE(p256.CompatibleWith(JwsAlg::kES256));
  EXPECT_FALSE(p256.CompatibleWith(JwsAlg::kES256K));
  EXPECT_TRUE(ed.CompatibleWith(JwsAlg::kEdDSA));
  EXPECT_FALSE(ed.CompatibleWith(JwsAlg::kES256));
  EXPECT_FALSE(Jwk::FromSecret("short").CompatibleWith(JwsAlg::kHS256));
  EXPECT_TRUE(Jwk::FromSecret(std::string(32, 'k')).CompatibleWith(JwsAlg::kHS256));
}

TEST(JwkImport, AlgNamesRoundTrip) {
  for (JwsAlg alg : kAllAlgs) EXPECT_EQ(ParseAlg(AlgName(alg)), alg);
  EXPECT_FALSE(ParseAlg("none").has_value());
  EXPECT_FALSE(ParseAlg("rs256").has_value());
}

class JwkRoundTrip : public ::testing::TestWithParam<JwsAlg> {};

TEST_P(JwkRoundTrip, PublicJson) {
  const Jwk key = Jwk::Generate(GetParam()).WithKid("k-1");
  auto back = Jwk::FromJsonText(key.ToPublicJson());
  if (GetParam() == JwsAlg::kHS256) {  // no public form: "k" is never written
    EXPECT_EQ(key.ToPublicJson(), R"({"kty":"oct","kid":"k-1"})");
    return;
  }
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_FALSE(back->has_private());
  EXPECT_EQ(back->kid(), "k-1");
  EXPECT_EQ(back->Thumbprint(), key.Thumbprint());
  EXPECT_EQ(back->ToPublicJson(), key.ToPublicJson());
  EXPECT_EQ(key.ToPublicJson().find("\"d\""), std::string::npos);
}

TEST_P(JwkRoundTrip, PrivateJsonSignsForTheOriginal) {
  const Jwk key = Jwk::Generate(GetParam());
  auto back = Jwk::FromJsonText(key.ToPrivateJson());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_TRUE(back->has_private());
  EXPECT_EQ(back->ToPrivateJson(), key.ToPrivateJson());
  auto token = SignCompact(*back, GetParam(), "payload");
  ASSERT_TRUE(token.ok()) << token.error().message;
  EXPECT_TRUE(VerifyCompact(*token, key.PublicOnly(), {GetParam()}).ok());
}

TEST_P(JwkRoundTrip, Pem) {
  const Jwk key = Jwk::Generate(GetParam());
  if (GetParam() == JwsAlg::kHS256) {
    EXPECT_EQ(key.ToPublicPem().error().code, "invalid_key");
    EXPECT_EQ(key.ToPrivatePem().error().code, "invalid_key");
    return;
  }
  auto private_pem = key.ToPrivatePem();
  ASSERT_TRUE(private_pem.ok());
  EXPECT_EQ(private_pem->rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);  // PKCS#8
  auto priv = Jwk::FromPem(*private_pem);
  ASSERT_TRUE(priv.ok()) << priv.error().message;
  EXPECT_TRUE(priv->has_private());
  EXPECT_EQ(priv->ToPrivateJson(), key.ToPrivateJson());

  auto public_pem = key.ToPublicPem();
  ASSERT_TRUE(public_pem.ok());
  auto pub = Jwk::FromPem(*public_pem);
  ASSERT_TRUE(pub.ok()) << pub.error().message;
  EXPECT_FALSE(pub->has_private());
  EXPECT_EQ(pub->Thumbprint(), key.Thumbprint());
  EXPECT_EQ(pub->ToPrivatePem().error().code, "invalid_key");
  EXPECT_TRUE(pub->CompatibleWith(GetParam()));
}

TEST_P(JwkRoundTrip, PublicOnlyCannotSign) {
  const Jwk key = Jwk::Generate(GetParam());
  if (GetParam() == JwsAlg::kHS256) return;  // symmetric: nothing to strip
  const Jwk pub = key.PublicOnly();
  EXPECT_FALSE(pub.has_private());
  EXPECT_EQ(pub.Thumbprint(), key.Thumbprint());
  EXPECT_EQ(SignCompact(pub, GetParam(), "x").error().code, "key_mismatch");
}

INSTANTIATE_TEST_SUITE_P(AllAlgs, JwkRoundTrip, ::testing::ValuesIn(kAllAlgs),
                         [](const auto& info) { return std::string(AlgName(info.param)); });

TEST(JwkExport, EcMembersAreFixedWidth) {
  // About 1 key in 85 has a coordinate or scalar with a leading zero byte,
  // which a minimal big-endian encoding would shorten.
  int short_values = 0;
  for (int i = 0; i < 1000 && short_values < 3; ++i) {
    const Jwk key = Jwk::Generate(i % 2 ? JwsAlg::kES256 : JwsAlg::kES256K);
    auto doc = ParseJsonObject(key.ToPrivateJson());
    ASSERT_TRUE(doc.ok());
    for (const char* m : {"x", "y", "d"}) {
      auto bytes = Base64UrlDecode(*GetString(*doc, m));
      ASSERT_TRUE(bytes.ok());
      ASSERT_EQ(bytes->size(), 32u) << m;
      if ((*bytes)[0] == '\0') ++short_values;
    }
  }
  EXPECT_GT(short_values, 0) << "no leading zero seen; the check proved nothing";
}

TEST(JwkImport, RejectsOffCurvePoint) {
  const std::string a3 = ReadJoseData("rfc7515_a3_ec.jwk.json");
  // y + 1: the same x with a y that is not on P-256.
  std::string y = *Base64UrlDecode("x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0");
  y.back() = static_cast<char>(y.back() + 1);
  const std::string off =
      WithMember(WithMember(a3, "d", ""), "y", "\"" + Base64UrlEncode(y) + "\"");
  const std::string err = ImportError(off);
  EXPECT_EQ(err.substr(0, err.find(':')), "invalid_jwk");
  EXPECT_NE(err.find("not on curve P-256"), std::string::npos) << err;
}

TEST(JwkImport, RejectsPrivateKeyNotMatchingPublic) {
  const std::string a3 = ReadJoseData("rfc7515_a3_ec.jwk.json");
  const std::string other_d = "\"" + Base64UrlEncode(std::string(31, '\0') + "\x07") + "\"";
  EXPECT_NE(ImportError(WithMember(a3, "d", other_d)).find("\"d\" does not match"),
            std::string::npos);
  const std::string ed = ReadJoseData("rfc8037_ed25519.jwk.json");
  EXPECT_NE(ImportError(WithMember(ed, "d", other_d)).find("\"d\" does not match"),
            std::string::npos);
  const std::string rsa = ReadJoseData("rfc7515_a2_rsa.jwk.json");
  auto rfc7638 = ParseJsonObject(ReadJoseData("rfc7638_rsa.jwk.json"));
  const std::string other_n = "\"" + std::string(*GetString(*rfc7638, "n")) + "\"";
  EXPECT_NE(ImportError(WithMember(rsa, "n", other_n)).find("do not match \"n\""),
            std::string::npos);
}

TEST(JwkImport, RejectsMissingMembers) {
  const std::string rsa = ReadJoseData("rfc7515_a2_rsa.jwk.json");
  const std::string ec = ReadJoseData("rfc7515_a3_ec.jwk.json");
  const std::string ed = ReadJoseData("rfc8037_ed25519.jwk.json");
  struct Case {
    std::string json;
    const char* member;
  };
  for (const auto& c :
       {Case{WithMember(rsa, "kty", ""), "kty"}, Case{WithMember(rsa, "e", ""), "e"},
        Case{WithMember(rsa, "n", ""), "n"}, Case{WithMember(rsa, "qi", ""), "qi"},
        Case{WithMember(ec, "y", ""), "y"}, Case{WithMember(ec, "crv", ""), "crv"},
        Case{WithMember(ed, "x", ""), "x"}, Case{R"({"kty":"oct"})", "k"}}) {
    const std::string err = ImportError(c.json);
    EXPECT_EQ(err.substr(0, err.find(':')), "invalid_jwk") << c.member;
    EXPECT_NE(err.find(std::string("\"") + c.member + "\""), std::string::npos) << err;
  }
}

TEST(JwkImport, RejectsMalformedMembers) {
  const std::string ec = ReadJoseData("rfc7515_a3_ec.jwk.json");
  const std::string ed = ReadJoseData("rfc8037_ed25519.jwk.json");
  const std::string x31 = "\"" + Base64UrlEncode(std::string(31, '\x01')) + "\"";
  EXPECT_NE(ImportError(WithMember(ec, "x", x31)).find("expected 32"), std::string::npos);
  EXPECT_NE(ImportError(WithMember(ec, "x", "\"f83O+3D2\"")).find("not base64url"),
            std::string::npos);
  EXPECT_NE(ImportError(WithMember(ec, "x", "42")).find("not a string"), std::string::npos);
  EXPECT_NE(ImportError(WithMember(ec, "crv", "\"P-384\"")).find("\"crv\""), std::string::npos);
  EXPECT_NE(ImportError(WithMember(ed, "crv", "\"X25519\"")).find("\"crv\""), std::string::npos);
  EXPECT_NE(ImportError(WithMember(ec, "kty", "\"EC2\"")).find("unsupported key type"),
            std::string::npos);
  EXPECT_NE(ImportError(WithMember(ec, "kid", "7")).find("\"kid\""), std::string::npos);
  EXPECT_NE(ImportError(WithMember(ec, "alg", "\"RS256\"")).find("\"alg\""), std::string::npos);
  EXPECT_NE(ImportError(WithMember(ec, "alg", "\"ES384\"")).find("\"alg\""), std::string::npos);
  EXPECT_NE(ImportError("[1]").find("JSON object"), std::string::npos);
  EXPECT_EQ(ImportError("{").substr(0, 11), "invalid_jwk");
}

TEST(JwkImport, RejectsWeakRsaModulus) {
  const std::string n1024 = "\"" + Base64UrlEncode("\xc1" + std::string(127, '\x55')) + "\"";
  const std::string err = ImportError(WithMember(ReadJoseData("rfc7638_rsa.jwk.json"), "n", n1024));
  EXPECT_NE(err.find("1024 bits"), std::string::npos) << err;
}

TEST(JwkPem, RejectsGarbageAndEncryptedKeys) {
  EXPECT_EQ(Jwk::FromPem("not a pem").error().code, "invalid_pem");
  // Must fail, not prompt for the passphrase on the terminal.
  EXPECT_EQ(Jwk::FromPem(ReadJoseData("encrypted_p256.pem")).error().code, "invalid_pem");
}

TEST(JwkOct, SecretOnlyInPrivateJson) {
  const Jwk key = Jwk::FromSecret(std::string(32, 'k'));
  EXPECT_EQ(key.ToPublicJson(), R"({"kty":"oct"})");
  EXPECT_EQ(key.ToPrivateJson(),
            R"({"k":"a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s","kty":"oct"})");
  auto back = Jwk::FromJsonText(key.ToPrivateJson());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->secret(), key.secret());
  EXPECT_EQ(back->Thumbprint(), key.Thumbprint());
}

TEST(Jwks, SkipsBadKeysAndFindsByKid) {
  const std::string text =
      R"({"keys":[)" + LoadJwk("rfc7515_a3_ec.jwk.json").WithKid("ec").ToPublicJson() + "," +
      R"({"kty":"EC","crv":"P-256","kid":"broken"},)" + R"({"kty":"oct","k":"AAAA","kid":"s"},)" +
      ReadJoseData("rfc7638_rsa.jwk.json") + "]}";
  auto set = Jwks::FromJsonText(text);
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->keys().size(), 3u);
  EXPECT_EQ(set->skipped(), 1u);
  ASSERT_NE(set->FindByKid("2011-04-29"), nullptr);
  EXPECT_EQ(set->FindByKid("2011-04-29")->type(), KeyType::kRsa);
  EXPECT_EQ(set->FindByKid("broken"), nullptr);
  const std::string published = set->ToPublicJson();
  EXPECT_EQ(published.find("\"oct\""), std::string::npos) << "secrets are never published";
  auto again = Jwks::FromJsonText(published);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->keys().size(), 2u);
  EXPECT_EQ(again->skipped(), 0u);
}

TEST(Jwks, RejectsDocumentsWithoutKeysArray) {
  EXPECT_EQ(Jwks::FromJsonText(R"({"keys":{}})").error().code, "invalid_jwks");
  EXPECT_EQ(Jwks::FromJsonText("[]").error().code, "invalid_jwks");
}

TEST(Jwks, PrivateMembersNeverPublished) {
  Jwks set;
  set.Add(Jwk::Generate(JwsAlg::kES256).WithKid("a"));
  set.Add(Jwk::Generate(JwsAlg::kRS256).WithKid("b"));
  const std::string published = set.ToPublicJson();
  EXPECT_EQ(published.find("\"d\""), std::string::npos);
  EXPECT_EQ(published.find("\"p\""), std::string::npos);
  EXPECT_NE(published.find("\"kid\":\"b\""), std::string::npos);
}

}  // namespace
}  // namespace vc::common
