#include "credentials/status_list.h"

#include <gtest/gtest.h>

namespace vc::credentials {
namespace {

// W3C Bitstring Status List v1.0 spec example: 131,072 entries, none set.
TEST(StatusListTest, DecodesW3cSpecExampleAllZero) {
  auto list =
      StatusList::Decode("uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA");
  ASSERT_TRUE(list) << list.error().message;
  EXPECT_EQ(list->size(), 131072u);
  for (size_t i = 0; i < list->size(); ++i) ASSERT_FALSE(list->Get(i)) << i;
}

// digitalbazaar/vc-bitstring-status-list vector: 100000 entries, index 50000 set
// (byte 6250 = 0x80: most-significant bit first).
TEST(StatusListTest, DecodesDigitalBazaarIndex50000MsbFirst) {
  auto list = StatusList::Decode(
      "H4sIAAAAAAAAA-3OMQ0AAAgDsElHOh72EJJWQRMAAAAAAIDWXAcAAAAAAIDHFvRitn7UMAAA");
  ASSERT_TRUE(list) << list.error().message;
  EXPECT_EQ(list->size(), 100000u);
  EXPECT_TRUE(list->Get(50000));
  EXPECT_FALSE(list->Get(49999));
  EXPECT_FALSE(list->Get(50001));
  size_t set = 0;
  for (size_t i = 0; i < list->size(); ++i) set += list->Get(i) ? 1 : 0;
  EXPECT_EQ(set, 1u);
}

TEST(StatusListTest, DecodesDigitalBazaarAllZero) {
  auto list = StatusList::Decode("H4sIAAAAAAAAA-3BMQEAAADCoPVPbQsvoAAAAAAAAAAAAAAAAP4GcwM92tQwAAA");
  ASSERT_TRUE(list) << list.error().message;
  EXPECT_EQ(list->size(), 100000u);
  EXPECT_FALSE(list->Get(0));
}

TEST(StatusListTest, EncodeRoundTripsWithMultibasePrefix) {
  StatusList list;
  list.Set(0, true);
  list.Set(31, true);
  list.Set(131071, true);
  const std::string encoded = list.Encode();
  ASSERT_EQ(encoded.front(), 'u');
  auto back = StatusList::Decode(encoded);
  ASSERT_TRUE(back);
  EXPECT_TRUE(back->Get(0));
  EXPECT_TRUE(back->Get(31));
  EXPECT_TRUE(back->Get(131071));
  EXPECT_FALSE(back->Get(1));
  list.Set(31, false);
  EXPECT_FALSE(list.Get(31));
}

TEST(StatusListTest, RefusesGarbage) {
  EXPECT_EQ(StatusList::Decode("u!!!").error().code, "invalid_status_list");
  EXPECT_EQ(StatusList::Decode("uAAAA").error().code, "invalid_status_list");
}

TEST(StatusListTest, RefusesDecompressionBomb) {
  const std::string big(StatusList::kMaxEntries / 8 + 1, '\0');
  auto gz = GzipCompress(big);
  EXPECT_FALSE(GzipDecompress(gz, StatusList::kMaxEntries / 8));
}

}  // namespace
}  // namespace vc::credentials
