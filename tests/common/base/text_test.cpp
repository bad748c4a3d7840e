#include "common/base/text.h"

#include <gtest/gtest.h>

#include <fstream>

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

TEST(Text, IsValidUtf8IsStrict) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ASCII"));
  EXPECT_TRUE(IsValidUtf8("\xC3\xA9 \xE5\xBC\xA0 \xF0\x9F\x98\x80 \xEF\xBF\xBF \xF4\x8F\xBF\xBF"));
  EXPECT_TRUE(IsValidUtf8(std::string_view("\0", 1)));
  for (const char* bad :
       {"\x80", "\xC0\xAF", "\xC1\xBF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xED\xBF\xBF",
        "\xF0\x80\x80\xAF", "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xFF", "\xC3", "\xE5\xBC",
        "\xF0\x9F\x98", "a\xE5\x41\x41"}) {
    EXPECT_FALSE(IsValidUtf8(bad)) << bad;
  }
}

}  // namespace
}  // namespace vc::common
