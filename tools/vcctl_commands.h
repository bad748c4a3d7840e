// vcctl's command groups, one file each; vcctl.cpp puts them in one table.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/store/store.h"
#include "keys/key_store.h"
#include "server/storage.h"
#include "tools/cli.h"

namespace vc::tools {

std::vector<Command> KeysCommands();   // keys generate|list|rotate (vcctl_keys.cpp)
std::vector<Command> JoseCommands();   // jumpstart mint, jws verify, jwk thumbprint, token inspect
std::vector<Command> StoreCommands();  // audit verify, request-service token (vcctl_store.cpp)
std::vector<Command> CredentialCommands();  // credential revoke (vcctl_credential.cpp)
std::vector<Command> OutboxCommands();      // outbox list|retry|drop (vcctl_outbox.cpp)

// The storage a command works on (vcctl_storage.cpp): --config FILE names it
// as vcserver reads it (SQLite in its dataDir or its PostgreSQL; keys in
// dataDir/keys or sealed in the database; --data-dir still overrides dataDir),
// otherwise the data folder --data-dir (default ./var), which must exist.
// Failures are CommandFailed; a bad config file is its ConfigError.
inline constexpr const char* kStorageOptions = "[--data-dir DIR | --config FILE]";
// True when the keys are files, in *keys_dir (nothing is opened or created).
bool KeysInFiles(const Args& args, std::string* keys_dir);
// The key store; `storage` keeps what it needs open (the database when sealed).
keys::KeyStore& OpenKeyStore(const Args& args, server::Storage& storage);
// The database, which must exist.
std::unique_ptr<common::Database> OpenStateDatabase(const Args& args);

}  // namespace vc::tools
