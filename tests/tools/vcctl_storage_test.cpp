// vcctl on the storage a config names (tools/vcctl_storage.cpp): keys sealed
// in the database under a key-encryption key, on SQLite and on PostgreSQL.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "common/base/crypto.h"
#include "tests/support/run.h"
#include "tests/support/test_database.h"

namespace vc::testing {
namespace {

class VcctlStorageTest : public BackendTest {
 protected:
  std::string Config() {
    const std::string path = store().dir().File("config.json");
    std::string storage = R"("storage":{"keyEncryptionKey":")" + kek_ + R"("})";
    if (postgres()) {
      storage = R"("storage":{"type":"postgresql","url":")" + store().url() +
                R"(","keyEncryptionKey":")" + kek_ + R"("})";
    }
    // dataDir: where the test's SQLite database is (vcctl opens only an existing one).
    std::ofstream(path) << R"({"dataDir":")" << store().dir().path().string() << R"(",)" << storage
                        << "}";
    return path;
  }
  const std::string kek_ = common::HexEncode(common::RandomBytes(32));
};

TEST_P(VcctlStorageTest, KeysGenerateListAndRotateInTheDatabase) {
  if (!postgres()) db_.reset();  // vcctl opens the SQLite file itself
  const std::string config = Config();
  auto made = RunBinary("vcctl", {"keys", "generate", "--purpose", "issuer", "--config", config});
  ASSERT_EQ(made.exit_code, 0) << made.output;
  EXPECT_FALSE(std::filesystem::exists(store().dir().File("keys")));
  auto rotated = RunBinary("vcctl", {"keys", "rotate", "--purpose", "issuer", "--config", config});
  ASSERT_EQ(rotated.exit_code, 0) << rotated.output;
  auto listed = RunBinary("vcctl", {"keys", "list", "--config", config});
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_NE(listed.output.find(rotated.output.substr(0, rotated.output.find('\n'))),
            std::string::npos)
      << listed.output;
  EXPECT_EQ(std::count(listed.output.begin(), listed.output.end(), '\n'), 2) << listed.output;
  // Another key-encryption key opens nothing, and says so.
  std::ofstream(store().dir().File("wrong.json"))
      << R"({"dataDir":")" << store().dir().path().string() << R"(","storage":{)"
      << (postgres() ? R"("type":"postgresql","url":")" + store().url() + R"(",)" : "")
      << R"("keyEncryptionKey":")" << std::string(64, 'c') << R"("}})";
  auto wrong = RunBinary("vcctl", {"keys", "list", "--config", store().dir().File("wrong.json")});
  EXPECT_EQ(wrong.exit_code, 1) << wrong.output;
  EXPECT_NE(wrong.output.find("keyEncryptionKey does not open"), std::string::npos) << wrong.output;
}

VC_INSTANTIATE_BACKENDS(VcctlStorageTest);

}  // namespace
}  // namespace vc::testing
