// "storage": SQLite in dataDir, or a PostgreSQL that several instances share.
#include <algorithm>
#include <cctype>

#include "common/base/base64url.h"
#include "common/config/internal/config_internal.h"

namespace vc::common::config_internal {
namespace {

constexpr size_t kKekBytes = 32;

bool IsHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

std::string HexDecode(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  }
  return out;
}

// 32 bytes as 64 hex digits, base64 (`openssl rand -base64 32`) or base64url.
std::string DecodeKek(const ConfigNode& node, const std::string& text) {
  std::string key;
  if (text.size() == 2 * kKekBytes && IsHex(text)) {
    key = HexDecode(text);
  } else if (auto b64 = Base64Decode(text); b64) {
    key = *b64;
  } else if (auto b64url = Base64UrlDecode(text); b64url) {
    key = *b64url;
  }
  if (key.size() != kKekBytes) {
    node.FailAt("keyEncryptionKey",
                "must be 32 random bytes as 64 hex digits or base64 (openssl rand -base64 32)");
  }
  return key;
}

// A libpq URI (postgresql:// or postgres://) or a keyword=value string.
void CheckDatabaseUrl(const ConfigNode& node, const std::string& url) {
  const bool uri = url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
  if (!uri && url.find('=') == std::string::npos) {
    node.FailAt("url",
                "must be a PostgreSQL URI (postgresql://user@host:5432/db) or a libpq "
                "connection string (host=… dbname=…)");
  }
}

}  // namespace

StorageConfig ParseStorage(const ConfigNode& root, const Context& ctx) {
  StorageConfig c;
  const auto node = root.Object("storage");
  if (!node) return c;
  node->AllowOnly({"type", "url", "poolSize", "keyEncryptionKey"});
  std::string type = "sqlite";
  node->String("type", &type);
  if (type == "postgresql") {
    c.type = StorageType::kPostgresql;
  } else if (type != "sqlite") {
    node->FailAt("type", "must be \"sqlite\" or \"postgresql\"");
  }
  if (c.type == StorageType::kSqlite) {
    for (const char* key : {"url", "poolSize"}) {
      if (node->Has(key)) node->FailAt(key, "only applies to \"type\": \"postgresql\"");
    }
  } else {
    if (!node->Has("url")) {
      node->Fail("needs \"url\" (e.g. \"env:VC_DATABASE_URL\") with \"type\": \"postgresql\"");
    }
    node->Secret("url", ctx, &c.url);
    CheckDatabaseUrl(*node, c.url);
    node->Int("poolSize", 2, 64, &c.pool_size);
    if (!node->Has("keyEncryptionKey")) {
      node->Fail(
          "needs \"keyEncryptionKey\" with \"type\": \"postgresql\": every instance reads the "
          "signing keys and secrets from the database, sealed under it");
    }
  }
  std::string kek;
  if (node->Secret("keyEncryptionKey", ctx, &kek)) c.key_encryption_key = DecodeKek(*node, kek);
  return c;
}

}  // namespace vc::common::config_internal
