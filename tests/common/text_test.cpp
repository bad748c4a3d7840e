#include "common/text.h"

#include <fstream>

#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"

namespace vc::common {
namespace {

TEST(Text, AsciiLowerFoldsOnlyAscii) {
  EXPECT_EQ(AsciiLower("Content-Type"), "content-type");
  EXPECT_EQ(AsciiLower("\xC3\x89T\xC3\x89"), "\xC3\x89t\xC3\x89");  // UTF-8 bytes untouched
  EXPECT_TRUE(EqualsIgnoreAsciiCase("API-Key", "api-key"));
  EXPECT_FALSE(EqualsIgnoreAsciiCase("api-key", "api-keys"));
}

TEST(Text, ReadFileReturnsBytesOrNamesThePath) {
  vc::testing::TempDir dir;
  const std::string path = dir.File("a.bin");
  std::ofstream(path, std::ios::binary) << std::string("a\0b\n", 4);
  auto ok = ReadFile(path);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, std::string("a\0b\n", 4));
  auto missing = ReadFile(dir.File("nope"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "io_error");
  EXPECT_NE(missing.error().message.find("nope"), std::string::npos);
}

}  // namespace
}  // namespace vc::common
