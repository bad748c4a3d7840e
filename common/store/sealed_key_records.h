// Signing keys and secrets as rows of the database, each sealed with
// AES-256-GCM under the key-encryption key from config
// (storage.keyEncryptionKey), with its kind, purpose and name as associated
// data so a sealed value moved to another row does not open. Every instance of
// a deployment reads the same rows: one DID document, one JWKS, one set of
// secrets, and a rotation made by one instance (or vcctl) is used by all
// within `refresh` (the snapshot each instance keeps to sign without a query).
//
// Table sealed_keys (component "key_store"): at most one active key per
// purpose (a unique index), so instances starting together generate a
// purpose's first key once.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/base/key_records.h"
#include "common/store/store.h"

namespace vc::common {

class SealedKeyRecords final : public KeyRecords {
 public:
  // Applies the table's migration and checks that `kek` (32 bytes) opens
  // every row already there: "invalid_key" names the first that does not (a
  // key-encryption key other than the one the keys were sealed with).
  static Result<std::shared_ptr<SealedKeyRecords>> Open(
      Database& db, std::string kek, std::chrono::milliseconds refresh = std::chrono::seconds(5));

  Result<std::vector<KeyRecord>> Keys(const std::string& purpose) override;
  Result<KeyRecord> AddKey(const KeyRecord& key, Activation activation) override;
  Result<std::string> SecretOrCreate(const std::string& name, const std::string& value) override;
  Result<std::optional<std::string>> Secret(const std::string& name) override;
  std::string Where() const override { return "the database (sealed)"; }

  SealedKeyRecords(Database& db, std::string kek, std::chrono::milliseconds refresh)
      : db_(db), kek_(std::move(kek)), refresh_(refresh) {}

 private:
  struct Row {
    KeyRecord key;       // for kind "key"
    std::string secret;  // for kind "secret"
    bool is_secret = false;
    std::string name;
  };
  Status Load();  // the snapshot, under mu_
  Status Fresh();
  Result<KeyRecord> ActiveOf(const std::string& purpose);

  Database& db_;
  const std::string kek_;
  const std::chrono::milliseconds refresh_;
  std::mutex mu_;
  std::vector<Row> rows_;
  bool loaded_ = false;
  std::chrono::steady_clock::time_point loaded_at_;
};

}  // namespace vc::common
