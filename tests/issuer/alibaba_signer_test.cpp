// The vendor's published signature examples (specs/proofing-providers.md §3.2,
// §3.3), reproduced exactly.
#include "issuer/alibaba_signer.h"

#include <gtest/gtest.h>

namespace vc::testing {
namespace {

const common::NameValueList kDescribeRegions = {
    {"AccessKeyId", "testid"},
    {"Action", "DescribeRegions"},
    {"Format", "XML"},
    {"SignatureMethod", "HMAC-SHA1"},
    {"SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"},
    {"SignatureVersion", "1.0"},
    {"Timestamp", "2016-02-23T12:46:24Z"},
    {"Version", "2014-05-26"}};

TEST(AlibabaRpcSignature, DocExampleDescribeRegionsGet) {
  EXPECT_EQ(
      issuer::RpcStringToSign("GET", kDescribeRegions),
      "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26"
      "SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26"
      "SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26");
  EXPECT_EQ(issuer::RpcSignature("GET", kDescribeRegions, "testsecret"),
            "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
}

TEST(AlibabaRpcSignature, DocExampleDescribeRegionsPost) {
  EXPECT_EQ(issuer::RpcSignature("POST", kDescribeRegions, "testsecret"),
            "MxbnVAM4w6sft9xjVpe/GCKueuk=");
}

TEST(AlibabaRpcSignature, SdkUnitTestVector) {
  EXPECT_EQ(issuer::RpcSignature("", {{"test", "ok"}}, "accessKeySecret"),
            "jHx/oHoHNrbVfhncHEvPdHXZwHU=");
}

TEST(AlibabaAcs3Signature, OfficialRunInstancesExample) {
  issuer::Acs3Request r;
  r.method = "POST";
  r.path = "/";
  r.query = {{"ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd"},
             {"RegionId", "cn-shanghai"}};
  r.payload_hash_hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  r.headers = {{"host", "ecs.cn-shanghai.aliyuncs.com"},
               {"x-acs-action", "RunInstances"},
               {"x-acs-version", "2014-05-26"},
               {"x-acs-date", "2023-10-26T10:22:32Z"},
               {"x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"},
               {"x-acs-content-sha256", r.payload_hash_hex},
               {"Accept", "application/json"},
               {"User-Agent", "not signed"}};
  const auto s = issuer::SignAcs3(r, "YourAccessKeyId", "YourAccessKeySecret");
  EXPECT_EQ(s.string_to_sign,
            "ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259");
  EXPECT_EQ(s.authorization,
            "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;"
            "x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,"
            "Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0");
}

TEST(AlibabaAcs3Signature, GoSdkUnitTestVector) {
  issuer::Acs3Request r;
  r.method = "";
  r.path = "";
  r.query = {{"test", "ok"}, {"empty", ""}};
  r.headers = {{"x-acs-test", "http"}, {"x-acs-TEST", "https"}};
  r.payload_hash_hex = "55e12e91650d2fec56ec74e1d3e4ddbfce2ef3a65890c2a19ecf88a307e76a23";
  const auto s = issuer::SignAcs3(r, "acesskey", "secret");
  EXPECT_EQ(s.canonical_request,
            "\n/\nempty=&test=ok\nx-acs-test:http,https\n\nx-acs-test\n"
            "55e12e91650d2fec56ec74e1d3e4ddbfce2ef3a65890c2a19ecf88a307e76a23");
  EXPECT_EQ(s.signature, "4ab59fffe3c5738ff8a2729f90cc04fe18b02a4b15b2102cbaf92f9ff3df2ea3");
}

TEST(AlibabaEncoding, Rfc3986AsAlibabaSpecifies) {
  EXPECT_EQ(issuer::AliyunEncode("a b*c~d/é"), "a%20b%2Ac~d%2F%C3%A9");
}

}  // namespace
}  // namespace vc::testing
