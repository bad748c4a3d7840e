// vcctl keys generate|list|rotate: signing keys under DATA_DIR/keys, or sealed in
// the database of the storage --config names.
#include <filesystem>
#include <iostream>

#include "common/jose/jws.h"
#include "keys/key_store.h"
#include "tools/vcctl_commands.h"

namespace vc::tools {
namespace {

const std::vector<std::string> kAlgs = {"ES256", "ES256K", "EdDSA", "RS256", "PS256"};

void PrintKey(const keys::StoredKey& k) {
  std::cout << k.purpose << "\t" << common::AlgName(k.alg) << "\t" << k.key.kid()
            << (k.active ? "\tactive" : "") << "\n";
}

std::string Purpose(const Args& a) {
  const std::string purpose = a.Get("purpose");
  if (purpose.empty()) throw UsageError("--purpose NAME is required");
  if (!keys::IsValidKeyName(purpose)) {
    throw UsageError("--purpose " + purpose +
                     " is not a valid name (letters, digits, '-' and '_')");
  }
  return purpose;
}

int Generate(const Args& a) {
  const std::string purpose = Purpose(a);
  const std::string alg_name = OneOf("alg", a.Get("alg", "ES256"), kAlgs);
  server::Storage storage;
  keys::KeyStore& store = OpenKeyStore(a, storage);
  auto existing = store.List(purpose);
  if (!existing) throw CommandFailed(existing.error().message);
  if (!existing->empty() && !a.Has("rotate")) {
    throw CommandFailed("purpose " + purpose + " already has " + std::to_string(existing->size()) +
                        " key(s); add --rotate to make a new key the active one");
  }
  auto key = store.Generate(purpose, *common::ParseAlg(alg_name), true);
  if (!key) throw CommandFailed(key.error().message);
  PrintKey(*key);
  return 0;
}

int Rotate(const Args& a) {
  const std::string purpose = Purpose(a);
  server::Storage storage;
  keys::KeyStore& store = OpenKeyStore(a, storage);
  auto key = store.Rotate(purpose);
  if (!key) throw CommandFailed(key.error().message);
  PrintKey(*key);
  return 0;
}

int List(const Args& a) {
  std::string dir;
  std::error_code ec;
  if (KeysInFiles(a, &dir) && !std::filesystem::is_directory(dir, ec)) {
    std::cout << "no keys in " << dir << "\n";
    return 0;
  }
  server::Storage storage;
  keys::KeyStore& store = OpenKeyStore(a, storage);
  auto keys = store.List(a.Get("purpose"));
  if (!keys) throw CommandFailed(keys.error().message);
  if (keys->empty()) std::cout << "no keys in " << store.Where() << "\n";
  for (const auto& k : *keys) PrintKey(k);
  return 0;
}

}  // namespace

std::vector<Command> KeysCommands() {
  return {
      {{"keys", "generate"},
       "--purpose NAME [--alg ES256|ES256K|EdDSA|RS256|PS256] [--rotate] " +
           std::string(kStorageOptions),
       "a new signing key for a purpose; refused when the purpose has keys, unless --rotate",
       {"purpose", "alg", "data-dir", "config"},
       {"rotate"},
       0,
       0,
       Generate},
      {{"keys", "list"},
       "[--purpose NAME] " + std::string(kStorageOptions),
       "purpose, algorithm and kid of every key (active ones marked)",
       {"purpose", "data-dir", "config"},
       {},
       0,
       0,
       List},
      {{"keys", "rotate"},
       "--purpose NAME " + std::string(kStorageOptions),
       "a new active key for a purpose, same algorithm; older keys stay published (every "
       "instance sharing the database signs with it within 5 s)",
       {"purpose", "data-dir", "config"},
       {},
       0,
       0,
       Rotate},
  };
}

}  // namespace vc::tools
