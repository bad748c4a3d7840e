// Signing keys and shared secrets on disk, under the data directory:
//
//   <dir>/<purpose>/<ALG>_<kid>.pem   private key, PKCS#8 PEM, mode 0600
//   <dir>/<purpose>/active            the kid of the key that signs now
//   <dir>/secrets/<name>              32+ random bytes, base64url, mode 0600
//
// A purpose names what a key is for ("issuer", "rp-contoso", "result"). The kid
// is the key's RFC 7638 thumbprint. Rotation adds a key and makes it active;
// older keys stay listed so that what they signed still verifies.
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "common/base/result.h"
#include "common/jose/jwk.h"

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
  // Creates `dir` (mode 0700) if needed. Throws std::runtime_error if it cannot.
  explicit KeyStore(std::filesystem::path dir);

  const std::filesystem::path& dir() const { return dir_; }

  // Generates a key for `purpose`, writes it, and makes it active if asked.
  // Errors: "invalid_purpose", "io_error".
  common::Result<StoredKey> Generate(const std::string& purpose, common::JwsAlg alg,
                                     bool activate = true);
  // The active key of `purpose`. Error "no_key" when there is none.
  common::Result<StoredKey> Active(const std::string& purpose) const;
  // The active key, generated with `alg` on first use.
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
  common::Result<StoredKey> Write(const std::string& purpose, common::JwsAlg alg,
                                  const common::Jwk& key, bool activate);
  common::Result<std::vector<StoredKey>> ListPurpose(const std::string& purpose) const;

  std::filesystem::path dir_;
  mutable std::mutex mu_;  // serialises writers within this process
};

// True for names made of [a-z0-9-], 1..64 characters.
bool IsValidKeyName(std::string_view name);

// Writes `data` to `path` atomically (temp file + rename) with mode 0600: the
// temp file has a random name and is created fresh with that mode (O_EXCL, no
// symlink followed), so no other user can open it at any moment, whatever the
// umask, and concurrent writers never share one.
common::Status WritePrivateFile(const std::filesystem::path& path, std::string_view data);

// Like WritePrivateFile, but only if `path` does not exist yet: false (and
// nothing written) when it does, even when another process creates it at the
// same moment. Used for secrets generated on first use.
common::Result<bool> CreatePrivateFileOnce(const std::filesystem::path& path,
                                           std::string_view data);

// A file under a key store directory that users other than the owner may
// access (any of the mode bits 077), e.g. copied in with cp or left 0644.
struct LooseKeyFile {
  std::filesystem::path path;
  unsigned mode = 0;  // permission bits, e.g. 0644
};

// Every regular file under `dir` (recursively) with a group or other
// permission bit, sorted by path; empty when all are private or `dir` is
// missing. vcserver refuses to start on these in production and warns otherwise.
std::vector<LooseKeyFile> FindLooseKeyFiles(const std::filesystem::path& dir);

}  // namespace vc::keys
