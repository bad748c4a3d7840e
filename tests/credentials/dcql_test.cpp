// DCQL credential queries for SD-JWT VCs (OpenID4VP 1.0 §6) and vp_tokens
// (§8.1): written by the verifier, read by the wallet, and the other way round.
#include "credentials/dcql.h"

#include <gtest/gtest.h>

namespace vc::credentials {
namespace {

TEST(Dcql, WrittenQueriesReadBack) {
  common::JsonWriter w;
  WriteDcqlQuery(w, {{"identity", kSdJwtVcFormat, {"v1", "v2"}, {{"realName"}, {"a", "b"}}},
                     {"other", kSdJwtVcFormat, {"v3"}, {}}});
  EXPECT_EQ(
      w.str(),
      R"({"credentials":[{"id":"identity","format":"dc+sd-jwt","meta":{"vct_values":["v1","v2"]},)"
      R"("claims":[{"path":["realName"]},{"path":["a","b"]}]},)"
      R"({"id":"other","format":"dc+sd-jwt","meta":{"vct_values":["v3"]}}]})");
  auto doc = common::ParseJsonObject(w.str());
  auto queries = ParseDcqlQuery(*doc);
  ASSERT_TRUE(queries) << queries.error().message;
  ASSERT_EQ(queries->size(), 2u);
  EXPECT_EQ((*queries)[0].claims[1], (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ((*queries)[1].vct_values, std::vector<std::string>{"v3"});
}

TEST(Dcql, WhatTheWalletDoesNotEvaluateIsRefused) {
  auto parse = [](const std::string& json) {
    auto doc = common::ParseJsonObject(json);
    auto r = ParseDcqlQuery(*doc);
    return r ? std::string() : r.error().code;
  };
  const std::string q = R"({"id":"a","format":"dc+sd-jwt","meta":{"vct_values":["v"]})";
  EXPECT_EQ(parse(R"({"credentials":[)" + q + "}]}"), "");
  EXPECT_EQ(parse(R"({"credentials":[]})"), "invalid_dcql");
  EXPECT_EQ(parse(R"({"credentials":[)" + q + "}," + q + "}]}"), "invalid_dcql");  // id twice
  EXPECT_EQ(parse(R"({"credentials":[)" + q + R"(}],"credential_sets":[]})"), "invalid_dcql");
  EXPECT_EQ(parse(R"({"credentials":[)" + q + R"(,"claim_sets":[["x"]]}]})"), "invalid_dcql");
  EXPECT_EQ(parse(R"({"credentials":[)" + q + R"(,"claims":[{"path":["a",0]}]}]})"),
            "invalid_dcql");
  EXPECT_EQ(parse(R"({"credentials":[)" + q + R"(,"claims":[{"path":[]}]}]})"), "invalid_dcql");
  EXPECT_EQ(parse(R"({"credentials":[{"id":"has space","format":"dc+sd-jwt","meta":{}}]})"),
            "invalid_dcql");
}

TEST(Dcql, VpTokens) {
  auto token = ParseVpToken(WriteVpToken({{"a", {"x~", "y~"}}, {"b", {"z~"}}}));
  ASSERT_TRUE(token);
  EXPECT_EQ(token->at("a"), (std::vector<std::string>{"x~", "y~"}));
  for (const char* bad : {"[]", R"({"a":"x~"})", R"({"a":[]})", R"({"a":[1]})", "not json"}) {
    auto r = ParseVpToken(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, "malformed_vp_token");
  }
  EXPECT_TRUE(IsDcqlId("id_1-x"));
  EXPECT_FALSE(IsDcqlId(""));
  EXPECT_FALSE(IsDcqlId("a.b"));
}

}  // namespace
}  // namespace vc::credentials
