#include "common/store/sealed_key_records.h"

#include <chrono>

#include "common/base/aead.h"
#include "common/store/migrations.h"

namespace vc::common {
namespace {

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "create_sealed_keys", R"sql(
        CREATE TABLE sealed_keys (
          kind TEXT NOT NULL,
          purpose TEXT NOT NULL,
          name TEXT NOT NULL,
          alg TEXT NOT NULL DEFAULT '',
          sealed BLOB NOT NULL,
          active INTEGER NOT NULL DEFAULT 0,
          created_at INTEGER NOT NULL,
          PRIMARY KEY (kind, purpose, name)
        );
        CREATE UNIQUE INDEX sealed_keys_one_active ON sealed_keys(kind, purpose) WHERE active = 1;
      )sql",
       R"sql(
        CREATE TABLE sealed_keys (
          kind TEXT NOT NULL,
          purpose TEXT NOT NULL,
          name TEXT NOT NULL,
          alg TEXT NOT NULL DEFAULT '',
          sealed BYTEA NOT NULL,
          active BIGINT NOT NULL DEFAULT 0,
          created_at BIGINT NOT NULL,
          PRIMARY KEY (kind, purpose, name)
        );
        CREATE UNIQUE INDEX sealed_keys_one_active ON sealed_keys(kind, purpose) WHERE active = 1;
      )sql"},
  };
  return kMigrations;
}

constexpr const char* kKey = "key";
constexpr const char* kSecret = "secret";

std::string Aad(std::string_view kind, std::string_view purpose, std::string_view name) {
  return "vc-sealed-key:v1:" + std::string(kind) + ":" + std::string(purpose) + ":" +
         std::string(name);
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status Insert(Connection& c, std::string_view kind, const std::string& purpose,
              const std::string& name, const std::string& alg, const std::string& sealed,
              bool active, bool ignore_existing) {
  auto st = c.Cached(std::string("INSERT INTO sealed_keys(kind, purpose, name, alg, sealed, "
                                 "active, created_at) VALUES(?, ?, ?, ?, ?, ?, ?)") +
                     (ignore_existing ? " ON CONFLICT DO NOTHING" : ""));
  if (!st) return st.error();
  return st->BindText(1, kind)
      .BindText(2, purpose)
      .BindText(3, name)
      .BindText(4, alg)
      .BindBlob(5, sealed)
      .BindInt64(6, active ? 1 : 0)
      .BindInt64(7, NowSeconds())
      .Run();
}

}  // namespace

Result<std::shared_ptr<SealedKeyRecords>> SealedKeyRecords::Open(
    Database& db, std::string kek, std::chrono::milliseconds refresh) {
  if (kek.size() != kAesGcmKeyBytes) {
    return Error{"invalid_key", "the key-encryption key must be 32 bytes"};
  }
  if (Status s = ApplyMigrations(db, "key_store", Migrations()); !s) return s.error();
  auto records = std::make_shared<SealedKeyRecords>(db, std::move(kek), refresh);
  std::lock_guard lock(records->mu_);
  if (Status s = records->Load(); !s) return s.error();
  return records;
}

Status SealedKeyRecords::Load() {
  std::vector<Row> rows;
  Status s = db_.Read([&](Connection& c) -> Status {
    rows.clear();
    auto st = c.Cached("SELECT kind, purpose, name, alg, sealed, active FROM sealed_keys");
    if (!st) return st.error();
    for (;;) {
      auto row = st->Step();
      if (!row) return row.error();
      if (!*row) return Status::Ok();
      Row r;
      const std::string kind = st->ColumnText(0);
      r.is_secret = kind == kSecret;
      r.name = st->ColumnText(2);
      auto plain = OpenAesGcm(kek_, st->ColumnBlob(4), Aad(kind, st->ColumnText(1), r.name));
      if (!plain) {
        return Error{"invalid_key", "storage.keyEncryptionKey does not open " + kind + " " +
                                        st->ColumnText(1) + "/" + r.name +
                                        " in the database: not the key it was sealed with"};
      }
      if (r.is_secret) {
        r.secret = std::move(*plain);
      } else {
        r.key = KeyRecord{st->ColumnText(1), r.name, st->ColumnText(3), std::move(*plain),
                          st->ColumnInt64(5) != 0};
      }
      rows.push_back(std::move(r));
    }
  });
  if (!s) return s;
  rows_ = std::move(rows);
  loaded_ = true;
  loaded_at_ = std::chrono::steady_clock::now();
  return Status::Ok();
}

// A failed refresh keeps serving what was read last (the database may be
// down for a moment; the keys it held are still the keys).
Status SealedKeyRecords::Fresh() {
  const auto now = std::chrono::steady_clock::now();
  if (loaded_ && now - loaded_at_ < refresh_) return Status::Ok();
  Status s = Load();
  if (!s && loaded_) {
    loaded_at_ = now;
    return Status::Ok();
  }
  return s;
}

Result<std::vector<KeyRecord>> SealedKeyRecords::Keys(const std::string& purpose) {
  std::lock_guard lock(mu_);
  if (Status s = Fresh(); !s) return s.error();
  std::vector<KeyRecord> out;
  for (const Row& r : rows_) {
    if (!r.is_secret && (purpose.empty() || r.key.purpose == purpose)) out.push_back(r.key);
  }
  return out;
}

Result<KeyRecord> SealedKeyRecords::ActiveOf(const std::string& purpose) {
  for (const Row& r : rows_) {
    if (!r.is_secret && r.key.purpose == purpose && r.key.active) return r.key;
  }
  return Error{"no_key", "no active key for \"" + purpose + "\""};
}

// kIfNoneActive: the unique index on active keys lets exactly one of
// concurrent first generations (instances starting together) win; the others
// read the winner's key.
Result<KeyRecord> SealedKeyRecords::AddKey(const KeyRecord& key, Activation activation) {
  auto sealed = SealAesGcm(kek_, key.pem, Aad(kKey, key.purpose, key.kid));
  if (!sealed) return sealed.error();
  const bool active = activation != Activation::kNone;
  Status s = db_.Transaction([&](Connection& c) -> Status {
    if (activation == Activation::kActivate) {
      auto off = c.Cached(
          "UPDATE sealed_keys SET active = 0 WHERE kind = 'key' AND purpose = ? AND active = 1");
      if (!off) return off.error();
      if (Status r = off->BindText(1, key.purpose).Run(); !r) return r;
    }
    return Insert(c, kKey, key.purpose, key.kid, key.alg, *sealed, active, false);
  });
  std::lock_guard lock(mu_);
  loaded_ = false;
  const bool lost_race =
      !s && activation == Activation::kIfNoneActive && IsUniqueViolation(s.error());
  if (!s && !lost_race) return s.error();
  if (Status l = Load(); !l) return l.error();
  if (active) return ActiveOf(key.purpose);
  KeyRecord added = key;
  added.active = false;
  return added;
}

Result<std::optional<std::string>> SealedKeyRecords::Secret(const std::string& name) {
  std::lock_guard lock(mu_);
  if (Status s = Fresh(); !s) return s.error();
  for (const Row& r : rows_) {
    if (r.is_secret && r.name == name) return std::optional<std::string>(r.secret);
  }
  return std::optional<std::string>();
}

Result<std::string> SealedKeyRecords::SecretOrCreate(const std::string& name,
                                                     const std::string& value) {
  std::lock_guard lock(mu_);
  auto find = [&]() -> const Row* {
    for (const Row& r : rows_) {
      if (r.is_secret && r.name == name) return &r;
    }
    return nullptr;
  };
  if (!loaded_) {
    if (Status s = Load(); !s) return s.error();
  }
  if (const Row* r = find()) return r->secret;  // secrets never change once made
  auto sealed = SealAesGcm(kek_, value, Aad(kSecret, "", name));
  if (!sealed) return sealed.error();
  // Another instance may create it at the same moment: theirs is kept and read back.
  Status s = db_.Transaction(
      [&](Connection& c) { return Insert(c, kSecret, "", name, "", *sealed, false, true); });
  if (!s) return s.error();
  if (Status l = Load(); !l) return l.error();
  if (const Row* r = find()) return r->secret;
  return Error{"db_error", "the secret " + name + " was not stored"};
}

}  // namespace vc::common
