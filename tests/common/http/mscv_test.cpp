#include "common/http/mscv.h"

#include <gtest/gtest.h>

namespace vc::common {
namespace {

constexpr const char* kV2Base = "tul4NUsfs9Cl7mOfN/dupg";  // 22 chars, ends in 'g'

TEST(CorrelationVectorTest, ParsesV1AsUsedByEntra) {
  auto cv = CorrelationVector::Parse("QbBLwF7XAp0dt4Lw.1");
  ASSERT_TRUE(cv.ok()) << cv.error().message;
  EXPECT_EQ(cv->base(), "QbBLwF7XAp0dt4Lw");
  EXPECT_EQ(cv->elements(), std::vector<uint32_t>{1});
  EXPECT_EQ(cv->max_length(), 63u);
  EXPECT_EQ(cv->ToString(), "QbBLwF7XAp0dt4Lw.1");
}

TEST(CorrelationVectorTest, ParsesV2) {
  auto cv = CorrelationVector::Parse(std::string(kV2Base) + ".1.0.42");
  ASSERT_TRUE(cv.ok()) << cv.error().message;
  EXPECT_EQ(cv->elements(), (std::vector<uint32_t>{1, 0, 42}));
  EXPECT_EQ(cv->max_length(), 127u);
}

TEST(CorrelationVectorTest, RefusesMalformed) {
  for (const std::string& bad : {
           std::string(""),
           std::string("QbBLwF7XAp0dt4Lw"),
           std::string("QbBLwF7XAp0dt4Lw."),
           std::string("QbBLwF7XAp0dt4Lw.1."),
           std::string("QbBLwF7XAp0dt4Lw..1"),
           std::string("QbBLwF7XAp0dt4L.1"),    // 15-char base
           std::string("QbBLwF7XAp0dt4L-.1"),   // not base64
           std::string("QbBLwF7XAp0dt4Lw.01"),  // leading zero
           std::string("QbBLwF7XAp0dt4Lw.-1"),
           std::string("QbBLwF7XAp0dt4Lw.4294967296"),  // > uint32
           std::string("QbBLwF7XAp0dt4Lw.1!"),          // terminator not supported
           std::string("tul4NUsfs9Cl7mOfN/dupb.1"),     // v2 last base char must be A, Q, g or w
           std::string("QbBLwF7XAp0dt4Lw.1\r\nX: y"),
       }) {
    auto cv = CorrelationVector::Parse(bad);
    ASSERT_FALSE(cv.ok()) << bad;
    EXPECT_EQ(cv.error().code, "invalid_mscv");
  }
}

TEST(CorrelationVectorTest, RefusesOverLengthLimit) {
  std::string v1 = "QbBLwF7XAp0dt4Lw";
  while (v1.size() + 2 <= 63) v1 += ".1";
  EXPECT_TRUE(CorrelationVector::Parse(v1).ok()) << v1.size();
  EXPECT_FALSE(CorrelationVector::Parse(v1 + ".1").ok());
  std::string v2 = kV2Base;
  while (v2.size() + 2 <= 127) v2 += ".1";
  EXPECT_TRUE(CorrelationVector::Parse(v2).ok());
  EXPECT_FALSE(CorrelationVector::Parse(v2 + ".1").ok());
}

TEST(CorrelationVectorTest, ExtendAppendsZero) {
  auto cv = CorrelationVector::Parse("QbBLwF7XAp0dt4Lw.1").value();
  ASSERT_TRUE(cv.Extend().ok());
  EXPECT_EQ(cv.ToString(), "QbBLwF7XAp0dt4Lw.1.0");
}

TEST(CorrelationVectorTest, IncrementBumpsLastElement) {
  auto cv = CorrelationVector::Parse("QbBLwF7XAp0dt4Lw.1.9").value();
  ASSERT_TRUE(cv.Increment().ok());
  EXPECT_EQ(cv.ToString(), "QbBLwF7XAp0dt4Lw.1.10");
}

TEST(CorrelationVectorTest, ExtendRefusesAtLengthLimit) {
  std::string text = "QbBLwF7XAp0dt4Lw.1";
  while (text.size() + 2 <= 62) text += ".1";  // 62: room for neither ".0" nor more
  auto cv = CorrelationVector::Parse(text).value();
  const auto status = cv.Extend();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "mscv_overflow");
  EXPECT_EQ(cv.ToString(), text);  // unchanged
}

TEST(CorrelationVectorTest, IncrementRefusesWhenAnotherDigitWouldNotFit) {
  std::string text = "QbBLwF7XAp0dt4Lw.10";
  for (int i = 0; i < 21; ++i) text += ".1";
  text += ".9";  // exactly 63 characters
  ASSERT_EQ(text.size(), 63u);
  auto cv = CorrelationVector::Parse(text).value();
  const auto status = cv.Increment();  // ".10" would make 64
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "mscv_overflow");
  EXPECT_EQ(cv.ToString(), text);
}

TEST(CorrelationVectorTest, IncrementRefusesElementOverflow) {
  auto cv = CorrelationVector::Parse("QbBLwF7XAp0dt4Lw.4294967295").value();
  EXPECT_EQ(cv.Increment().error().code, "mscv_overflow");
}

TEST(CorrelationVectorTest, NewRandomIsAValidV2Vector) {
  const auto a = CorrelationVector::NewRandom();
  const auto b = CorrelationVector::NewRandom();
  EXPECT_NE(a.base(), b.base());
  EXPECT_EQ(a.base().size(), 22u);
  EXPECT_EQ(a.elements(), std::vector<uint32_t>{0});
  auto reparsed = CorrelationVector::Parse(a.ToString());
  ASSERT_TRUE(reparsed.ok()) << a.ToString();
  EXPECT_EQ(reparsed->ToString(), a.ToString());
}

}  // namespace
}  // namespace vc::common
