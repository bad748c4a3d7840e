// Request ids: RFC 9562 version 7 UUIDs, ordered by their time.
#include "request_service/api_error.h"

#include <gtest/gtest.h>

#include <string>

namespace vc::request_service {
namespace {

TEST(NewUuidV7, LaysOutTimeVersionVariantAndRandomBits) {
  // RFC 9562 Appendix A.6: 2022-02-22 19:22:22 UTC = 0x017F22E279B0 ms.
  const std::string random("\xCC\xC3\x18\xC4\xDC\x0C\x0C\x07\x39\x8F", 10);
  EXPECT_EQ(NewUuidV7(0x017F22E279B0, random), "017f22e2-79b0-7cc3-98c4-dc0c0c07398f");
}

TEST(NewUuidV7, SortsByTimeWhateverTheRandomBits) {
  const std::string high(10, '\xff'), low(10, '\0');
  EXPECT_LT(NewUuidV7(1'765'000'000'000, high), NewUuidV7(1'765'000'000'001, low));
  EXPECT_LT(NewUuidV7(255, high), NewUuidV7(256, low));
  EXPECT_NE(NewUuidV7(1, high), NewUuidV7(1, low));
}

TEST(NewUuid, IsARandomVersion4Uuid) {
  const std::string a = NewUuid(), b = NewUuid();
  ASSERT_EQ(a.size(), 36u);
  EXPECT_EQ(a[14], '4');
  EXPECT_NE(std::string("89ab").find(a[19]), std::string::npos);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace vc::request_service
