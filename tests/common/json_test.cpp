#include "common/json.h"

#include <gtest/gtest.h>

namespace vc::common {
namespace {

TEST(Json, ParsesObject) {
  auto doc = ParseJsonObject(R"({"a":"b","n":5,"t":true,"o":{"x":1},"l":[1,2]})");
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  EXPECT_EQ(GetString(*doc, "a").value(), "b");
  EXPECT_EQ(GetInt64(*doc, "n").value(), 5);
  EXPECT_TRUE(GetBool(*doc, "t").value());
  EXPECT_NE(GetObject(*doc, "o"), nullptr);
  EXPECT_NE(GetArray(*doc, "l"), nullptr);
}

TEST(Json, TypedAccessorsRefuseOtherTypes) {
  auto doc = ParseJsonObject(R"({"a":1,"n":"5"})");
  ASSERT_TRUE(doc.ok());
  EXPECT_FALSE(GetString(*doc, "a").has_value());
  EXPECT_FALSE(GetInt64(*doc, "n").has_value());
  EXPECT_FALSE(GetString(*doc, "missing").has_value());
  EXPECT_EQ(GetObject(*doc, "a"), nullptr);
}

TEST(Json, RejectsDuplicateKeys) {
  auto doc = ParseJson(R"({"alg":"RS256","alg":"none"})");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.error().code, "invalid_json");
  EXPECT_NE(doc.error().message.find("duplicate key \"alg\""), std::string::npos);
}

TEST(Json, AllowsSameKeyInDifferentObjects) {
  EXPECT_TRUE(ParseJson(R"({"a":{"a":1},"b":{"a":2}})").ok());
}

TEST(Json, RejectsDeepNestingWithoutRecursion) {
  std::string deep(10000, '[');
  deep += std::string(10000, ']');
  auto doc = ParseJson(deep);
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.error().message.find("nesting deeper than"), std::string::npos);
}

TEST(Json, RejectsOversizeDocument) {
  JsonLimits limits;
  limits.max_bytes = 10;
  auto doc = ParseJson(R"({"a":"0123456789"})", limits);
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.error().message.find("exceeds the limit"), std::string::npos);
}

TEST(Json, RejectsInvalidUtf8) {
  auto doc = ParseJson("{\"a\":\"\xc3\x28\"}");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.error().code, "invalid_json");
}

TEST(Json, RejectsTrailingGarbageAndEmpty) {
  EXPECT_FALSE(ParseJson("{} x").ok());
  EXPECT_FALSE(ParseJson("").ok());
}

TEST(Json, NumericDate) {
  auto doc = ParseJsonObject(R"({"i":1300819380,"f":1300819380.7,"s":"1","big":1e30})");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(GetNumericDate(*doc, "i").value(), 1300819380);
  EXPECT_EQ(GetNumericDate(*doc, "f").value(), 1300819380);
  EXPECT_FALSE(GetNumericDate(*doc, "s").has_value());
  EXPECT_FALSE(GetNumericDate(*doc, "big").has_value());
}

TEST(Json, WritesCompactly) {
  auto doc = ParseJson(R"( { "a" : [ 1 , "x" ] } )");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(ToJson(*doc), R"({"a":[1,"x"]})");
}

}  // namespace
}  // namespace vc::common
