// vcctl keys generate|list|rotate: signing keys under DATA_DIR/keys.
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
  keys::KeyStore store(std::filesystem::path(ExistingDataDir(a)) / "keys");
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
  keys::KeyStore store(std::filesystem::path(ExistingDataDir(a)) / "keys");
  auto key = store.Rotate(purpose);
  if (!key) throw CommandFailed(key.error().message);
  PrintKey(*key);
  return 0;
}

int List(const Args& a) {
  const std::filesystem::path dir = std::filesystem::path(ExistingDataDir(a)) / "keys";
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    std::cout << "no keys in " << dir.string() << "\n";
    return 0;
  }
  keys::KeyStore store(dir);
  auto keys = store.List(a.Get("purpose"));
  if (!keys) throw CommandFailed(keys.error().message);
  if (keys->empty()) std::cout << "no keys in " << dir.string() << "\n";
  for (const auto& k : *keys) PrintKey(k);
  return 0;
}

}  // namespace

std::vector<Command> KeysCommands() {
  return {
      {{"keys", "generate"},
       "--purpose NAME [--alg ES256|ES256K|EdDSA|RS256|PS256] [--rotate] [--data-dir DIR]",
       "a new signing key for a purpose; refused when the purpose has keys, unless --rotate",
       {"purpose", "alg", "data-dir"},
       {"rotate"},
       0,
       0,
       Generate},
      {{"keys", "list"},
       "[--purpose NAME] [--data-dir DIR]",
       "purpose, algorithm and kid of every key (active ones marked)",
       {"purpose", "data-dir"},
       {},
       0,
       0,
       List},
      {{"keys", "rotate"},
       "--purpose NAME [--data-dir DIR]",
       "a new active key for a purpose, same algorithm; older keys stay published",
       {"purpose", "data-dir"},
       {},
       0,
       0,
       Rotate},
  };
}

}  // namespace vc::tools
