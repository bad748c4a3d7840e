#include "common/base/log.h"

#include <gtest/gtest.h>

#include "common/base/json.h"

namespace vc::common {
namespace {

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Logger::Global().SetSink([this](std::string_view line) { lines_.emplace_back(line); });
  }
  void TearDown() override {
    Logger::Global().SetSink(nullptr);
    Logger::Global().SetLevel(LogLevel::kInfo);
  }
  std::vector<std::string> lines_;
};

TEST_F(LogTest, WritesOneJsonObjectPerLine) {
  LogInfo("request", {{"path", "/healthz"}, {"status", 200}, {"ok", true}});
  ASSERT_EQ(lines_.size(), 1u);
  ASSERT_EQ(lines_[0].back(), '\n');
  auto doc = ParseJsonObject(lines_[0].substr(0, lines_[0].size() - 1));
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(GetString(*doc, "event").value(), "request");
  EXPECT_EQ(GetString(*doc, "level").value(), "info");
  EXPECT_EQ(GetString(*doc, "path").value(), "/healthz");
  EXPECT_EQ(GetInt64(*doc, "status").value(), 200);
  EXPECT_TRUE(GetString(*doc, "ts").has_value());
}

TEST_F(LogTest, EscapesValuesSoLinesCannotBeForged) {
  LogInfo("x", {{"v", "a\"\n{\"event\":\"forged\"}"}});
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(lines_[0].find('\n'), lines_[0].size() - 1);
}

TEST_F(LogTest, FiltersBelowLevel) {
  Logger::Global().SetLevel(LogLevel::kWarn);
  LogInfo("hidden");
  LogDebug("hidden");
  LogWarn("shown");
  ASSERT_EQ(lines_.size(), 1u);
}

TEST(MaskTail, KeepsOnlyTheTail) {
  EXPECT_EQ(MaskTail("11010519491231002X"), "**************002X");
  EXPECT_EQ(MaskTail("1234"), "****");
}

}  // namespace
}  // namespace vc::common
