// Where vcctl's commands find the state vcserver keeps (vcctl_commands.h).
#include <filesystem>

#include "common/config/config.h"
#include "tools/vcctl_commands.h"

namespace vc::tools {
namespace fs = std::filesystem;

namespace {

common::Config ConfigOf(const Args& a) {
  if (a.Get("config").empty()) {
    common::Config c = common::DefaultConfig();
    c.data_dir = ExistingDataDir(a);
    return c;
  }
  common::Config c = common::LoadConfigFile(a.Get("config"));
  if (!a.Get("data-dir").empty()) c.data_dir = a.Get("data-dir");
  return c;
}

}  // namespace

bool KeysInFiles(const Args& a, std::string* keys_dir) {
  const common::Config c = ConfigOf(a);
  *keys_dir = (fs::path(c.data_dir) / "keys").string();
  return c.storage.key_encryption_key.empty();
}

keys::KeyStore& OpenKeyStore(const Args& a, server::Storage& storage) {
  const common::Config c = ConfigOf(a);
  if (c.storage.key_encryption_key.empty()) {
    storage.keys = std::make_unique<keys::KeyStore>(fs::path(c.data_dir) / "keys");
  } else {
    try {
      storage = server::OpenStorage(c, false);
    } catch (const std::runtime_error& e) {
      throw CommandFailed(e.what());
    }
  }
  return *storage.keys;
}

std::unique_ptr<common::Database> OpenStateDatabase(const Args& a) {
  const common::Config c = ConfigOf(a);
  if (c.storage.type == common::StorageType::kPostgresql) {
    common::PostgresOptions options;
    options.pool_size = 2;
    auto db = common::Database::OpenPostgres(c.storage.url, options);
    if (!db) {
      throw CommandFailed("cannot open the database " + common::RedactDatabaseUrl(c.storage.url) +
                          ": " + db.error().message);
    }
    return std::move(*db);
  }
  const std::string path = (fs::path(c.data_dir) / "vc.db").string();
  common::DatabaseOptions options;
  options.create = false;
  auto db = common::Database::Open(path, options);
  if (!db) throw CommandFailed("cannot open " + path + ": " + db.error().message);
  return std::move(*db);
}

}  // namespace vc::tools
