// Signing keys and shared secrets as files under the data directory, the key
// store of a single instance (storage without a key-encryption key):
//
//   <dir>/<purpose>/<ALG>_<kid>.pem   private key, PKCS#8 PEM, mode 0600
//   <dir>/<purpose>/active            the kid of the key that signs now
//   <dir>/secrets/<name>              32+ random bytes, base64url, mode 0600
//
// Files are private from their first byte, written atomically and fsynced.
#pragma once

#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/key_records.h"
#include "common/base/result.h"

namespace vc::keys {

class FileKeyRecords final : public common::KeyRecords {
 public:
  // Creates `dir` (mode 0700) if needed. Throws std::runtime_error if it cannot.
  explicit FileKeyRecords(std::filesystem::path dir);

  common::Result<std::vector<common::KeyRecord>> Keys(const std::string& purpose) override;
  common::Result<common::KeyRecord> AddKey(const common::KeyRecord& key,
                                           common::Activation activation) override;
  common::Result<std::string> SecretOrCreate(const std::string& name,
                                             const std::string& value) override;
  common::Result<std::optional<std::string>> Secret(const std::string& name) override;
  std::string Where() const override { return dir_.string(); }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  common::Result<std::vector<common::KeyRecord>> PurposeKeys(const std::string& purpose) const;
  std::filesystem::path dir_;
  std::mutex mu_;  // serialises writers within this process
};

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
