#include "common/base/result.h"

#include <gtest/gtest.h>

#include <string>

namespace vc::common {
namespace {

enum class Why { kFirst, kSecond };

Result<int, Failure<Why>> Half(int n) {
  if (n % 2 != 0) return Failure{Why::kSecond, "odd"};
  return n / 2;
}

BasicStatus<Failure<Why>> Check(bool good) {
  if (!good) return Failure{Why::kFirst, "bad"};
  return BasicStatus<Failure<Why>>::Ok();
}

TEST(Result, DefaultErrorTypeIsError) {
  static_assert(std::is_same_v<Result<int>::error_type, Error>);
  static_assert(std::is_same_v<Status, BasicStatus<Error>>);
  Result<std::string> r = Error{"invalid_input", "no"};
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_input");
  EXPECT_EQ(r.error().message, "no");
}

TEST(Result, HoldsAValue) {
  Result<std::string> r = std::string("v");
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, "v");
  EXPECT_EQ(r->size(), 1u);
}

TEST(Result, CarriesATypedFailure) {
  auto even = Half(4);
  ASSERT_TRUE(even.ok());
  EXPECT_EQ(*even, 2);
  auto odd = Half(3);
  ASSERT_FALSE(odd.ok());
  EXPECT_EQ(odd.error().reason, Why::kSecond);
  EXPECT_EQ(odd.error().message, "odd");
}

TEST(Result, MovesItsValueOut) {
  Result<std::string, Failure<Why>> r = std::string("moved");
  std::string s = std::move(r).value();
  EXPECT_EQ(s, "moved");
}

TEST(BasicStatus, OkByDefault) {
  Status st;
  EXPECT_TRUE(st.ok());
  EXPECT_TRUE(Status::Ok());
  EXPECT_FALSE(Status(Error{"x", "y"}).ok());
}

TEST(BasicStatus, CarriesATypedFailure) {
  EXPECT_TRUE(Check(true).ok());
  auto st = Check(false);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().reason, Why::kFirst);
  EXPECT_EQ(st.error().message, "bad");
}

TEST(Failure, DeducesItsReason) {
  Failure f{Why::kSecond, "m"};
  static_assert(std::is_same_v<decltype(f), Failure<Why>>);
  EXPECT_EQ(f.reason, Why::kSecond);
}

}  // namespace
}  // namespace vc::common
