#include "keys/key_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/base/base64url.h"
#include "common/base/crypto.h"
#include "common/base/text.h"

namespace vc::keys {
namespace fs = std::filesystem;
using common::Error;
using common::Jwk;
using common::JwsAlg;
using common::Result;
using common::Status;

namespace {

Result<std::string> ReadFile(const fs::path& path) { return common::ReadFile(path.string()); }

// Creates `dir` and any missing parents with mode 0700 from the start (mkdir
// with the mode, not chmod afterwards, so no moment exists where another user
// could open or list it); an existing `dir` is narrowed to 0700.
void MakePrivateDir(const fs::path& dir) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) {
    ::chmod(dir.c_str(), 0700);
    return;
  }
  if (dir.has_parent_path() && dir.parent_path() != dir) {
    const fs::path parent = dir.parent_path();
    if (!fs::exists(parent, ec)) MakePrivateDir(parent);
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    throw std::runtime_error("cannot create " + dir.string() + ": " + std::strerror(errno));
  }
  // The umask may only have narrowed it; narrow is fine, but make it exact.
  ::chmod(dir.c_str(), 0700);
}

// fsyncs a directory so that a rename into it survives a power loss.
void SyncDir(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

Result<std::string> ReadSecret(const fs::path& file) {
  auto text = ReadFile(file);
  if (!text) return text.error();
  auto raw = common::Base64UrlDecode(Trim(*text));
  if (!raw || raw->size() < 16) return Error{"invalid_key", file.string() + ": not a valid secret"};
  return *raw;
}

}  // namespace

bool IsValidKeyName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

namespace {

// Writes `data` to a new file beside `path` with a random name, created with
// mode 0600 (O_EXCL: never a leftover opened with wider permissions, never
// through a symlink; private from its first byte whatever the umask) and
// fsynced. Returns its path; the caller renames or links it into place.
Result<fs::path> WriteTempFile(const fs::path& path, std::string_view data) {
  const fs::path tmp = path.string() + ".tmp-" + common::RandomId(8);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Error{"io_error", "cannot write " + tmp.string() + ": " + std::strerror(errno)};
  }
  size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      ::unlink(tmp.c_str());
      return Error{"io_error", "cannot write " + tmp.string() + ": " + std::strerror(errno)};
    }
    off += static_cast<size_t>(n);
  }
  // The key must be on disk before anything signed with it leaves the process.
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) {
    ::unlink(tmp.c_str());
    return Error{"io_error", "cannot sync " + tmp.string()};
  }
  return tmp;
}

fs::path DirOf(const fs::path& path) {
  return path.has_parent_path() ? path.parent_path() : fs::path(".");
}

}  // namespace

Status WritePrivateFile(const fs::path& path, std::string_view data) {
  auto tmp = WriteTempFile(path, data);
  if (!tmp) return tmp.error();
  if (::rename(tmp->c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp->c_str());
    return Error{"io_error", "cannot rename into " + path.string() + ": " + std::strerror(err)};
  }
  SyncDir(DirOf(path));
  return Status::Ok();
}

Result<bool> CreatePrivateFileOnce(const fs::path& path, std::string_view data) {
  auto tmp = WriteTempFile(path, data);
  if (!tmp) return tmp.error();
  // link() fails with EEXIST instead of replacing: of concurrent creators
  // (threads, or vcctl beside vcserver) exactly one wins.
  const int rc = ::link(tmp->c_str(), path.c_str());
  const int err = errno;
  ::unlink(tmp->c_str());
  if (rc != 0 && err == EEXIST) return false;
  if (rc != 0) {
    return Error{"io_error", "cannot create " + path.string() + ": " + std::strerror(err)};
  }
  SyncDir(DirOf(path));
  return true;
}

std::vector<LooseKeyFile> FindLooseKeyFiles(const fs::path& dir) {
  std::vector<LooseKeyFile> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if ((st.st_mode & 077) != 0) {
      out.push_back({it->path(), static_cast<unsigned>(st.st_mode & 0777)});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const LooseKeyFile& a, const LooseKeyFile& b) { return a.path < b.path; });
  return out;
}

KeyStore::KeyStore(fs::path dir) : dir_(std::move(dir)) { MakePrivateDir(dir_); }

Result<StoredKey> KeyStore::Write(const std::string& purpose, JwsAlg alg, const Jwk& key,
                                  bool activate) {
  const std::string kid = key.Thumbprint();
  const fs::path pdir = dir_ / purpose;
  try {
    MakePrivateDir(pdir);
  } catch (const std::exception& e) {
    return Error{"io_error", e.what()};
  }
  auto pem = key.ToPrivatePem();
  if (!pem) return pem.error();
  const fs::path file = pdir / (std::string(common::AlgName(alg)) + "_" + kid + ".pem");
  if (auto st = WritePrivateFile(file, *pem); !st) return st.error();
  if (activate) {
    if (auto st = WritePrivateFile(pdir / "active", kid + "\n"); !st) return st.error();
  }
  return StoredKey{key.WithKid(kid).WithAlg(alg), alg, purpose, activate};
}

Result<StoredKey> KeyStore::Generate(const std::string& purpose, JwsAlg alg, bool activate) {
  if (!IsValidKeyName(purpose)) {
    return Error{"invalid_purpose", "key purpose must be 1-64 characters of a-z, 0-9 and '-'"};
  }
  if (alg == JwsAlg::kHS256) {
    return Error{"invalid_alg", "HS256 keys are secrets; use SecretOrCreate"};
  }
  std::lock_guard lock(mu_);
  return Write(purpose, alg, Jwk::Generate(alg), activate);
}

Result<StoredKey> KeyStore::Import(const std::string& purpose, JwsAlg alg, std::string_view pem,
                                   bool activate) {
  if (!IsValidKeyName(purpose)) {
    return Error{"invalid_purpose", "key purpose must be 1-64 characters of a-z, 0-9 and '-'"};
  }
  auto key = Jwk::FromPem(pem);
  if (!key) return key.error();
  if (!key->has_private()) return Error{"invalid_key", "the PEM holds no private key"};
  if (!key->CompatibleWith(alg)) {
    return Error{"invalid_key", "the key cannot sign with " + std::string(common::AlgName(alg))};
  }
  std::lock_guard lock(mu_);
  return Write(purpose, alg, *key, activate);
}

Result<std::vector<StoredKey>> KeyStore::ListPurpose(const std::string& purpose) const {
  std::vector<StoredKey> out;
  const fs::path pdir = dir_ / purpose;
  std::error_code ec;
  if (!fs::is_directory(pdir, ec)) return out;
  std::string active;
  if (auto a = ReadFile(pdir / "active"); a) active = Trim(*a);
  for (const auto& entry : fs::directory_iterator(pdir, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".pem") continue;
    const auto us = name.find('_');
    if (us == std::string::npos) continue;
    const auto alg = common::ParseAlg(name.substr(0, us));
    const std::string kid = name.substr(us + 1, name.size() - us - 1 - 4);
    if (!alg) continue;
    auto pem = ReadFile(entry.path());
    if (!pem) return pem.error();
    auto key = Jwk::FromPem(*pem);
    if (!key) return Error{"invalid_key", entry.path().string() + ": " + key.error().message};
    if (key->Thumbprint() != kid) {
      return Error{"invalid_key", entry.path().string() + ": file name does not match the key"};
    }
    out.push_back(StoredKey{key->WithKid(kid).WithAlg(*alg), *alg, purpose, kid == active});
  }
  // Active first, then by kid so listings are stable.
  std::sort(out.begin(), out.end(), [](const StoredKey& a, const StoredKey& b) {
    if (a.active != b.active) return a.active;
    return a.key.kid() < b.key.kid();
  });
  return out;
}

Result<std::vector<StoredKey>> KeyStore::List(const std::string& purpose) const {
  if (!purpose.empty()) {
    if (!IsValidKeyName(purpose)) return Error{"invalid_purpose", "invalid key purpose"};
    return ListPurpose(purpose);
  }
  std::vector<StoredKey> all;
  std::error_code ec;
  std::vector<std::string> purposes;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory() && name != "secrets" && IsValidKeyName(name)) purposes.push_back(name);
  }
  std::sort(purposes.begin(), purposes.end());
  for (const auto& p : purposes) {
    auto keys = ListPurpose(p);
    if (!keys) return keys.error();
    all.insert(all.end(), keys->begin(), keys->end());
  }
  return all;
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
  auto keys = List(purpose);
  if (!keys) return keys.error();
  for (auto& k : *keys) {
    if (k.active) return k;
  }
  return Generate(purpose, alg, true);
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
  const fs::path file = dir_ / "secrets" / name;
  std::error_code ec;
  if (!fs::exists(file, ec))
    return Error{"secret_not_found", "no secret " + name + " in " + dir_.string()};
  return ReadSecret(file);
}

Result<std::string> KeyStore::SecretOrCreate(const std::string& name, size_t bytes) {
  if (!IsValidKeyName(name)) return Error{"invalid_purpose", "invalid secret name"};
  std::lock_guard lock(mu_);
  const fs::path sdir = dir_ / "secrets";
  const fs::path file = sdir / name;
  if (fs::exists(file)) return ReadSecret(file);
  try {
    MakePrivateDir(sdir);
  } catch (const std::exception& e) {
    return Error{"io_error", e.what()};
  }
  std::string secret = common::RandomBytes(bytes);
  auto created = CreatePrivateFileOnce(file, common::Base64UrlEncode(secret) + "\n");
  if (!created) return created.error();
  if (!*created) return ReadSecret(file);  // another process created it first: use theirs
  return secret;
}

}  // namespace vc::keys
