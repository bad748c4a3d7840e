// Signing keys and shared secrets, over a KeyRecords (common/base/key_records.h):
// files under the data directory for one instance (keys/key_files.h), or the
// database, sealed under the key-encryption key, for several instances
// (common/store/sealed_key_records.h).
//
// A purpose names what a key is for ("issuer", "rp-contoso", "result"). The kid
// is the key's RFC 7638 thumbprint. Rotation adds a key and makes it active;
// older keys stay listed so that what they signed still verifies.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/base/key_records.h"
#include "common/base/result.h"
#include "common/jose/jwk.h"
#include "keys/key_files.h"

namespace vc::keys {

// The issuer authority's key: the embedded Request Service signs VC-JWTs with
// it under its did:web, and the OpenID4VCI issuer signs SD-JWT VCs and status
// list tokens with it under its https URL (one issuer, two formats). Kept
// here so neither component includes the other to find it.
inline constexpr const char* kAuthorityKeyPurpose = "request-service";

struct StoredKey {
  common::Jwk key;     // private key, kid set to the thumbprint
  common::JwsAlg alg;  // the algorithm it signs with
  std::string purpose;
  bool active = false;
};

class KeyStore {
 public:
  // Files under `dir`, created (mode 0700) if needed. Throws std::runtime_error
  // if it cannot.
  explicit KeyStore(std::filesystem::path dir);
  // Any other place, e.g. the database.
  explicit KeyStore(std::shared_ptr<common::KeyRecords> records);

  // The directory of a file key store; empty for one in the database.
  const std::filesystem::path& dir() const { return dir_; }
  std::string Where() const { return records_->Where(); }

  // Generates a key for `purpose`, stores it, and makes it active if asked.
  // Errors: "invalid_purpose", "io_error", the store's.
  common::Result<StoredKey> Generate(const std::string& purpose, common::JwsAlg alg,
                                     bool activate = true);
  // The active key of `purpose`. Error "no_key" when there is none.
  common::Result<StoredKey> Active(const std::string& purpose) const;
  // The active key, generated with `alg` on first use (once, even when several
  // instances start together).
  common::Result<StoredKey> ActiveOrGenerate(const std::string& purpose, common::JwsAlg alg);
  // A new key with the active key's algorithm, made active. Error "no_key".
  common::Result<StoredKey> Rotate(const std::string& purpose);
  // Every key of `purpose` (all purposes when empty), active ones first.
  common::Result<std::vector<StoredKey>> List(const std::string& purpose = "") const;
  // {"keys":[…]} with the public part of every key of `purpose`, each with kid and alg.
  common::Result<std::string> PublicJwks(const std::string& purpose) const;

  // A named random secret (HMAC keys, AES keys), created on first use.
  common::Result<std::string> SecretOrCreate(const std::string& name, size_t bytes = 32);
  // A named secret that exists already; "secret_not_found" when it does not
  // (for tools that must not create one).
  common::Result<std::string> Secret(const std::string& name) const;

  // Imports a PEM private key under `purpose` (vcctl keys import). Not activated.
  common::Result<StoredKey> Import(const std::string& purpose, common::JwsAlg alg,
                                   std::string_view pem, bool activate);

 private:
  common::Result<StoredKey> Add(const std::string& purpose, common::JwsAlg alg,
                                const common::Jwk& key, common::Activation activation);

  std::shared_ptr<common::KeyRecords> records_;
  std::filesystem::path dir_;
};

// True for names made of [a-z0-9-], 1..64 characters.
bool IsValidKeyName(std::string_view name);

}  // namespace vc::keys
