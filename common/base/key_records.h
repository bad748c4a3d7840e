// Where a key store (keys/key_store.h) keeps its material: signing keys as
// PEM per purpose with one active key each, and named random secrets. Two
// implementations: files under the data directory (keys/key_files.h, one
// instance) and rows of the database sealed under a key-encryption key
// (common/store/sealed_key_records.h), which every instance of a deployment
// reads, so that all of them sign with the same keys and share the secrets.
// Only strings cross this interface: parsing keys is the key store's job.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/base/result.h"

namespace vc::common {

struct KeyRecord {
  std::string purpose;  // what the key is for ("issuer", "rp-contoso", "result")
  std::string kid;      // the key's RFC 7638 thumbprint
  std::string alg;      // the algorithm it signs with ("ES256")
  std::string pem;      // private key, PKCS#8 PEM
  bool active = false;
};

enum class Activation {
  kNone,          // added, not active
  kActivate,      // added and made the purpose's only active key (rotation)
  kIfNoneActive,  // added and made active only when the purpose has no active key
};

class KeyRecords {
 public:
  virtual ~KeyRecords() = default;

  // Every key of `purpose` ("" = every purpose). "io_error", "db_…", or
  // "invalid_key" when a stored key cannot be read (a wrong key-encryption key).
  virtual Result<std::vector<KeyRecord>> Keys(const std::string& purpose) = 0;
  // Adds `key` (its `active` is ignored) and returns the purpose's active key
  // afterwards: `key` itself, or with kIfNoneActive the one another writer
  // (another instance) made active first.
  virtual Result<KeyRecord> AddKey(const KeyRecord& key, Activation activation) = 0;
  // The secret `name`, stored as `value` if there was none; returns what is
  // stored (another instance's value when it created it first).
  virtual Result<std::string> SecretOrCreate(const std::string& name, const std::string& value) = 0;
  // The secret `name` if it exists (nothing is created).
  virtual Result<std::optional<std::string>> Secret(const std::string& name) = 0;
  // For messages: where the records are ("/var/lib/vc/keys", "the database").
  virtual std::string Where() const = 0;
};

}  // namespace vc::common
