#include "keys/key_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "common/base/base64url.h"
#include "common/base/crypto.h"
#include "common/base/text.h"

namespace vc::keys {
namespace fs = std::filesystem;
using common::Activation;
using common::Error;
using common::KeyRecord;
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

FileKeyRecords::FileKeyRecords(fs::path dir) : dir_(std::move(dir)) { MakePrivateDir(dir_); }

Result<std::vector<KeyRecord>> FileKeyRecords::PurposeKeys(const std::string& purpose) const {
  std::vector<KeyRecord> out;
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
    KeyRecord r;
    r.purpose = purpose;
    r.alg = name.substr(0, us);
    r.kid = name.substr(us + 1, name.size() - us - 1 - 4);
    auto pem = ReadFile(entry.path());
    if (!pem) return pem.error();
    r.pem = std::move(*pem);
    r.active = r.kid == active;
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<KeyRecord>> FileKeyRecords::Keys(const std::string& purpose) {
  if (!purpose.empty()) return PurposeKeys(purpose);
  std::vector<std::string> purposes;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory() && name != "secrets") purposes.push_back(name);
  }
  std::sort(purposes.begin(), purposes.end());
  std::vector<KeyRecord> all;
  for (const auto& p : purposes) {
    auto keys = PurposeKeys(p);
    if (!keys) return keys.error();
    all.insert(all.end(), keys->begin(), keys->end());
  }
  return all;
}

Result<KeyRecord> FileKeyRecords::AddKey(const KeyRecord& key, Activation activation) {
  std::lock_guard lock(mu_);
  const fs::path pdir = dir_ / key.purpose;
  try {
    MakePrivateDir(pdir);
  } catch (const std::exception& e) {
    return Error{"io_error", e.what()};
  }
  if (activation == Activation::kIfNoneActive) {
    auto keys = PurposeKeys(key.purpose);
    if (!keys) return keys.error();
    for (const auto& k : *keys) {
      if (k.active) return k;
    }
  }
  const fs::path file = pdir / (key.alg + "_" + key.kid + ".pem");
  if (auto st = WritePrivateFile(file, key.pem); !st) return st.error();
  KeyRecord added = key;
  added.active = activation != Activation::kNone;
  if (added.active) {
    if (auto st = WritePrivateFile(pdir / "active", key.kid + "\n"); !st) return st.error();
  }
  return added;
}

Result<std::optional<std::string>> FileKeyRecords::Secret(const std::string& name) {
  const fs::path file = dir_ / "secrets" / name;
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::optional<std::string>();
  auto secret = ReadSecret(file);
  if (!secret) return secret.error();
  return std::optional<std::string>(std::move(*secret));
}

Result<std::string> FileKeyRecords::SecretOrCreate(const std::string& name,
                                                   const std::string& value) {
  std::lock_guard lock(mu_);
  const fs::path sdir = dir_ / "secrets";
  const fs::path file = sdir / name;
  if (fs::exists(file)) return ReadSecret(file);
  try {
    MakePrivateDir(sdir);
  } catch (const std::exception& e) {
    return Error{"io_error", e.what()};
  }
  auto created = CreatePrivateFileOnce(file, common::Base64UrlEncode(value) + "\n");
  if (!created) return created.error();
  if (!*created) return ReadSecret(file);  // another process created it first: use theirs
  return value;
}

}  // namespace vc::keys
