#include "server/storage.h"

#include <filesystem>
#include <stdexcept>

#include "common/store/sealed_key_records.h"

namespace vc::server {
namespace fs = std::filesystem;

Storage OpenStorage(const common::Config& config, bool create) {
  Storage out;
  const common::StorageConfig& s = config.storage;
  if (s.type == common::StorageType::kPostgresql) {
    common::PostgresOptions options;
    options.pool_size = static_cast<int>(s.pool_size);
    auto db = common::Database::OpenPostgres(s.url, options);
    if (!db) {
      throw std::runtime_error("cannot open the database storage.url (" +
                               common::RedactDatabaseUrl(s.url) + "): " + db.error().message);
    }
    out.db = std::move(*db);
  } else {
    const std::string path = (fs::path(config.data_dir) / "vc.db").string();
    common::DatabaseOptions options;
    options.create = create;
    auto db = common::Database::Open(path, options);
    if (!db)
      throw std::runtime_error("cannot open the database " + path + ": " + db.error().message);
    out.db = std::move(*db);
  }
  if (s.key_encryption_key.empty()) {
    out.keys = std::make_unique<keys::KeyStore>(fs::path(config.data_dir) / "keys");
  } else {
    auto sealed = common::SealedKeyRecords::Open(*out.db, s.key_encryption_key);
    if (!sealed) {
      throw std::runtime_error("cannot read the keys in the database: " + sealed.error().message);
    }
    out.keys = std::make_unique<keys::KeyStore>(std::move(*sealed));
  }
  return out;
}

std::string DescribeStorage(const common::Config& config, const Storage& storage) {
  const char* engine =
      config.storage.type == common::StorageType::kPostgresql ? "postgresql " : "sqlite ";
  return engine + storage.db->path() + ", keys in " + storage.keys->Where();
}

}  // namespace vc::server
