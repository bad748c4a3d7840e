// vcctl as an operator runs it: exit codes and one-line reasons.
#include <gtest/gtest.h>

#include <fstream>

#include "common/base/json.h"
#include "common/http/url.h"
#include "common/jose/jwk.h"
#include "common/jose/jws.h"
#include "tests/support/run.h"
#include "tests/support/temp_dir.h"

namespace vc::testing {
namespace {

std::string Data(const std::string& name) {
  return std::string(VC_TEST_DATA_DIR) + "/jose/" + name;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

TEST(Vcctl, JwkThumbprintOfRfc7638Example) {
  auto r = RunBinary("vcctl", {"jwk", "thumbprint", Data("rfc7638_rsa.jwk.json")});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(Trim(r.output), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
}

TEST(Vcctl, JwsVerifySucceedsOnlyForAValidSignature) {
  const std::string token = Trim(ReadAll(Data("rfc7515_a2.jws")));
  auto ok = RunBinary("vcctl", {"jws", "verify", "--jwk", Data("rfc7515_a2_rsa.jwk.json"), token});
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_EQ(Trim(ok.output), "valid RS256 signature");

  std::string tampered = token;
  tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
  auto bad =
      RunBinary("vcctl", {"jws", "verify", "--jwk", Data("rfc7515_a2_rsa.jwk.json"), tampered});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.output.find("invalid_signature"), std::string::npos) << bad.output;
  EXPECT_EQ(bad.output.find('\n'), bad.output.size() - 1) << "one line: " << bad.output;

  auto wrong_key =
      RunBinary("vcctl", {"jws", "verify", "--jwk", Data("rfc7515_a3_ec.jwk.json"), token});
  EXPECT_NE(wrong_key.exit_code, 0);
  EXPECT_NE(wrong_key.output.find("alg_not_allowed"), std::string::npos) << wrong_key.output;

  auto garbage =
      RunBinary("vcctl", {"jws", "verify", "--jwk", Data("rfc7515_a2_rsa.jwk.json"), "a.b"});
  EXPECT_NE(garbage.exit_code, 0);
  EXPECT_NE(garbage.output.find("malformed_token"), std::string::npos) << garbage.output;

  auto missing = RunBinary("vcctl", {"jws", "verify", "--jwk", "/nonexistent.json", token});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.output.find("cannot read"), std::string::npos);
}

TEST(Vcctl, TokenInspectDecodesWithoutVerifying) {
  auto r = RunBinary("vcctl", {"token", "inspect", Trim(ReadAll(Data("rfc7515_a3.jws")))});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"alg\": \"ES256\""), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"iss\": \"joe\""), std::string::npos);
  EXPECT_NE(r.output.find("exp: 2011-03-22T18:43:00Z"), std::string::npos);
  EXPECT_NE(r.output.find("NOT verified"), std::string::npos);
}

TEST(Vcctl, KeysGenerateListRotate) {
  TempDir dir;
  auto gen = RunBinary("vcctl", {"keys", "generate", "--purpose", "issuer", "--alg", "ES256",
                                 "--data-dir", dir.path().string()});
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  auto rot = RunBinary(
      "vcctl", {"keys", "rotate", "--purpose", "issuer", "--data-dir", dir.path().string()});
  ASSERT_EQ(rot.exit_code, 0) << rot.output;
  auto list = RunBinary("vcctl", {"keys", "list", "--data-dir", dir.path().string()});
  ASSERT_EQ(list.exit_code, 0);
  // Two keys, the rotated one active, both ES256.
  EXPECT_EQ(std::count(list.output.begin(), list.output.end(), '\n'), 2) << list.output;
  EXPECT_EQ(list.output.rfind(Trim(rot.output), 0), 0u) << list.output;
  auto bad = RunBinary(
      "vcctl", {"keys", "generate", "--purpose", "Bad Name", "--data-dir", dir.path().string()});
  EXPECT_NE(bad.exit_code, 0);
}

TEST(Vcctl, JumpstartMintSignsWhatAnRpSends) {
  TempDir dir;
  const auto rp = common::Jwk::Generate(common::JwsAlg::kRS256);
  const std::string key_file = dir.File("rp.pem");
  std::ofstream(key_file) << *rp.ToPrivatePem();
  auto r =
      RunBinary("vcctl", {"jumpstart", "mint", "--org", "contoso", "--key", key_file,
                          "--request-id", "req-42", "--redirect-url", "https://rp.example/done",
                          "--exp", "120", "--base-url", "https://idv.example"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string url = Trim(r.output);
  const std::string prefix = "https://idv.example/contoso/?token=";
  ASSERT_EQ(url.rfind(prefix, 0), 0u) << url;
  auto verified =
      common::VerifyCompact(url.substr(prefix.size()), rp.PublicOnly(), {common::JwsAlg::kRS256});
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  EXPECT_EQ(verified->kid, rp.Thumbprint());
  auto claims = common::ParseJsonObject(verified->payload);
  EXPECT_EQ(common::GetString(*claims, "OrgId").value(), "contoso");
  EXPECT_EQ(common::GetString(*claims, "RequestId").value(), "req-42");
  EXPECT_EQ(common::GetString(*claims, "redirectUrl").value(), "https://rp.example/done");
  EXPECT_EQ(*common::GetNumericDate(*claims, "exp") - *common::GetNumericDate(*claims, "iat"), 120);

  auto ec = RunBinary(
      "vcctl", {"jumpstart", "mint", "--org", "contoso", "--key", Data("rfc7515_a3_ec.jwk.json"),
                "--redirect-url", "https://rp.example/done"});
  EXPECT_NE(ec.exit_code, 0);
  EXPECT_NE(ec.output.find("RS256"), std::string::npos) << ec.output;
}

TEST(Vcctl, UsageOnUnknownCommand) {
  auto r = RunBinary("vcctl", {"frobnicate", "now"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("usage: vcctl"), std::string::npos);
}

}  // namespace
}  // namespace vc::testing
