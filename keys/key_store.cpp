#include "keys/key_store.h"

#include <algorithm>

#include "common/base/crypto.h"

namespace vc::keys {
namespace fs = std::filesystem;
using common::Activation;
using common::Error;
using common::Jwk;
using common::JwsAlg;
using common::KeyRecord;
using common::Result;

namespace {

Error BadPurpose() {
  return Error{"invalid_purpose", "key purpose must be 1-64 characters of a-z, 0-9 and '-'"};
}

// Parses a stored record; its kid must be the key's thumbprint, so a record
// whose content was swapped for another key is caught.
Result<StoredKey> Parse(const KeyRecord& r, const std::string& where) {
  const std::string what = where + ": key " + r.purpose + "/" + r.kid;
  const auto alg = common::ParseAlg(r.alg);
  if (!alg) return Error{"invalid_key", what + ": unknown algorithm " + r.alg};
  auto key = Jwk::FromPem(r.pem);
  if (!key) return Error{"invalid_key", what + ": " + key.error().message};
  if (key->Thumbprint() != r.kid) {
    return Error{"invalid_key", what + ": the stored key does not match its kid"};
  }
  return StoredKey{key->WithKid(r.kid).WithAlg(*alg), *alg, r.purpose, r.active};
}

}  // namespace

bool IsValidKeyName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

KeyStore::KeyStore(fs::path dir) {
  auto files = std::make_shared<FileKeyRecords>(std::move(dir));
  dir_ = files->dir();
  records_ = std::move(files);
}

KeyStore::KeyStore(std::shared_ptr<common::KeyRecords> records) : records_(std::move(records)) {}

Result<StoredKey> KeyStore::Add(const std::string& purpose, JwsAlg alg, const Jwk& key,
                                Activation activation) {
  auto pem = key.ToPrivatePem();
  if (!pem) return pem.error();
  KeyRecord r{purpose, key.Thumbprint(), std::string(common::AlgName(alg)), *pem, false};
  auto stored = records_->AddKey(r, activation);
  if (!stored) return stored.error();
  if (activation == Activation::kNone) stored->active = false;
  return Parse(*stored, Where());
}

Result<StoredKey> KeyStore::Generate(const std::string& purpose, JwsAlg alg, bool activate) {
  if (!IsValidKeyName(purpose)) return BadPurpose();
  if (alg == JwsAlg::kHS256) {
    return Error{"invalid_alg", "HS256 keys are secrets; use SecretOrCreate"};
  }
  return Add(purpose, alg, Jwk::Generate(alg),
             activate ? Activation::kActivate : Activation::kNone);
}

Result<StoredKey> KeyStore::Import(const std::string& purpose, JwsAlg alg, std::string_view pem,
                                   bool activate) {
  if (!IsValidKeyName(purpose)) return BadPurpose();
  auto key = Jwk::FromPem(pem);
  if (!key) return key.error();
  if (!key->has_private()) return Error{"invalid_key", "the PEM holds no private key"};
  if (!key->CompatibleWith(alg)) {
    return Error{"invalid_key", "the key cannot sign with " + std::string(common::AlgName(alg))};
  }
  return Add(purpose, alg, *key, activate ? Activation::kActivate : Activation::kNone);
}

Result<std::vector<StoredKey>> KeyStore::List(const std::string& purpose) const {
  if (!purpose.empty() && !IsValidKeyName(purpose)) return BadPurpose();
  auto records = records_->Keys(purpose);
  if (!records) return records.error();
  std::vector<StoredKey> out;
  for (const KeyRecord& r : *records) {
    if (!IsValidKeyName(r.purpose)) continue;
    auto key = Parse(r, Where());
    if (!key) return key.error();
    out.push_back(std::move(*key));
  }
  // By purpose, active first, then by kid so listings are stable.
  std::sort(out.begin(), out.end(), [](const StoredKey& a, const StoredKey& b) {
    if (a.purpose != b.purpose) return a.purpose < b.purpose;
    if (a.active != b.active) return a.active;
    return a.key.kid() < b.key.kid();
  });
  return out;
}

Result<StoredKey> KeyStore::Active(const std::string& purpose) const {
  auto keys = List(purpose);
  if (!keys) return keys.error();
  for (auto& k : *keys) {
    if (k.active) return k;
  }
  return Error{"no_key", "no active key for \"" + purpose + "\""};
}

Result<StoredKey> KeyStore::ActiveOrGenerate(const std::string& purpose, JwsAlg alg) {
  if (!IsValidKeyName(purpose)) return BadPurpose();
  auto active = Active(purpose);
  if (active || active.error().code != "no_key") return active;
  return Add(purpose, alg, Jwk::Generate(alg), Activation::kIfNoneActive);
}

Result<StoredKey> KeyStore::Rotate(const std::string& purpose) {
  auto current = Active(purpose);
  if (!current) return current.error();
  return Generate(purpose, current->alg, true);
}

Result<std::string> KeyStore::PublicJwks(const std::string& purpose) const {
  auto keys = List(purpose);
  if (!keys) return keys.error();
  common::Jwks jwks;
  for (const auto& k : *keys) jwks.Add(k.key.PublicOnly());
  return jwks.ToPublicJson();
}

Result<std::string> KeyStore::Secret(const std::string& name) const {
  if (!IsValidKeyName(name)) return Error{"invalid_purpose", "invalid secret name"};
  auto secret = records_->Secret(name);
  if (!secret) return secret.error();
  if (!*secret) return Error{"secret_not_found", "no secret " + name + " in " + Where()};
  return std::move(**secret);
}

Result<std::string> KeyStore::SecretOrCreate(const std::string& name, size_t bytes) {
  if (!IsValidKeyName(name)) return Error{"invalid_purpose", "invalid secret name"};
  return records_->SecretOrCreate(name, common::RandomBytes(bytes));
}

}  // namespace vc::keys
