// "storage" in the config (common/config/config_storage.cpp).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>

#include "common/base/base64url.h"
#include "common/config/config.h"

namespace vc::common {
namespace {

const std::string kKek = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";  // base64 of 32 bytes

void ExpectError(const std::string& json, const std::string& prefix) {
  try {
    (void)ParseConfig(json, "");
    ADD_FAILURE() << "no ConfigError for " << json;
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(prefix, 0), 0u) << e.what() << "\nexpected: " << prefix;
  }
}

TEST(ConfigStorage, SqliteInDataDirIsTheDefault) {
  const Config c = ParseConfig("{}", "");
  EXPECT_EQ(c.storage.type, StorageType::kSqlite);
  EXPECT_TRUE(c.storage.url.empty());
  EXPECT_TRUE(c.storage.key_encryption_key.empty());
  EXPECT_EQ(ParseConfig(R"({"storage":{"type":"sqlite"}})", "").storage.type, StorageType::kSqlite);
}

TEST(ConfigStorage, PostgresqlWithUrlFromTheEnvironmentPoolAndKek) {
  ::setenv("VC_TEST_DATABASE_URL", "postgresql://vc:pw@db.example/vc", 1);
  const Config c = ParseConfig(R"({"storage":{"type":"postgresql","url":"env:VC_TEST_DATABASE_URL",
      "poolSize":12,"keyEncryptionKey":")" +
                                   kKek + R"("}})",
                               "");
  EXPECT_EQ(c.storage.type, StorageType::kPostgresql);
  EXPECT_EQ(c.storage.url, "postgresql://vc:pw@db.example/vc");
  EXPECT_EQ(c.storage.pool_size, 12);
  EXPECT_EQ(c.storage.key_encryption_key, "0123456789abcdef0123456789abcdef");
  // 64 hex digits work as well, and a keyword connection string.
  const Config hex = ParseConfig(
      R"({"storage":{"type":"postgresql","url":"host=db dbname=vc","keyEncryptionKey":")" +
          std::string(64, 'a') + R"("}})",
      "");
  EXPECT_EQ(hex.storage.key_encryption_key, std::string(32, '\xaa'));
  EXPECT_EQ(hex.storage.pool_size, 8);
}

TEST(ConfigStorage, AKekWithSqliteSealsTheKeysInTheFile) {
  const Config c = ParseConfig(R"({"storage":{"keyEncryptionKey":")" + kKek + R"("}})", "");
  EXPECT_EQ(c.storage.type, StorageType::kSqlite);
  EXPECT_EQ(c.storage.key_encryption_key.size(), 32u);
}

TEST(ConfigStorage, ErrorsNameTheJsonPath) {
  const std::string kek = R"(,"keyEncryptionKey":")" + kKek + "\"";
  ExpectError(R"({"storage":{"type":"mysql"}})",
              "storage.type: must be \"sqlite\" or \"postgresql\"");
  ExpectError(R"({"storage":{"type":"postgresql")" + kek + "}}", "storage: needs \"url\"");
  ExpectError(R"({"storage":{"type":"postgresql","url":"db.example")" + kek + "}}",
              "storage.url: must be a PostgreSQL URI");
  ExpectError(R"({"storage":{"type":"postgresql","url":"postgresql://db/vc"}})",
              "storage: needs \"keyEncryptionKey\"");
  ExpectError(
      R"({"storage":{"type":"postgresql","url":"postgresql://db/vc","poolSize":1)" + kek + "}}",
      "storage.poolSize:");
  ExpectError(R"({"storage":{"type":"postgresql","url":"env:VC_TEST_NO_SUCH_VAR")" + kek + "}}",
              "storage.url: environment variable VC_TEST_NO_SUCH_VAR is not set");
  ExpectError(R"({"storage":{"type":"sqlite","url":"postgresql://db/vc"}})",
              "storage.url: only applies to \"type\": \"postgresql\"");
  ExpectError(R"({"storage":{"keyEncryptionKey":"too-short"}})",
              "storage.keyEncryptionKey: must be 32 random bytes");
  ExpectError(R"({"storage":{"keyEncryptionKey":"file:/no/such/kek"}})",
              "storage.keyEncryptionKey: cannot read secret file");
  ExpectError(R"({"storage":{"typo":1}})", "storage.typo: unknown key");
  ExpectError(R"({"storage":"postgresql"})", "storage: must be an object");
}

}  // namespace
}  // namespace vc::common
