// The database and the key store that vcserver and vcctl open from the
// configuration's "storage" and dataDir (docs/deployment.md).
#pragma once

#include <memory>

#include "common/config/config.h"
#include "common/store/store.h"
#include "keys/key_store.h"

namespace vc::server {

struct Storage {
  std::unique_ptr<common::Database> db;
  std::unique_ptr<keys::KeyStore> keys;
};

// SQLite at dataDir/vc.db, or the PostgreSQL of storage.url; keys and secrets
// in dataDir/keys, or sealed in the database when storage.keyEncryptionKey is
// set. `create`: a missing SQLite file is created (vcctl reads only existing
// ones). Throws std::runtime_error saying what failed: an unreachable
// PostgreSQL names its URL (password redacted) and libpq's reason; a
// key-encryption key that does not open the stored keys says so.
Storage OpenStorage(const common::Config& config, bool create = true);

// What the log and the greeting say about where the state lives.
std::string DescribeStorage(const common::Config& config, const Storage& storage);

}  // namespace vc::server
