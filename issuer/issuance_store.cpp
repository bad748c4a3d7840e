#include "issuer/issuance_store.h"

#include <array>

#include "common/base/crypto.h"
#include "common/store/migrations.h"
#include "common/store/store_await.h"
#include "issuer/offer_gate.h"

namespace vc::issuer {
using common::Connection;
using common::Error;
using common::Result;
using common::Status;

namespace {

constexpr const char* kOfferGroupSql = R"sql(
        ALTER TABLE issuer_issuances ADD COLUMN offer_group TEXT NOT NULL DEFAULT '';
        CREATE INDEX issuer_issuances_age ON issuer_issuances(created_at);
      )sql";

const std::vector<common::Migration>& Migrations() {
  static const std::vector<common::Migration> kMigrations = {
      {1, "create_issuer_issuances", R"sql(
        CREATE TABLE issuer_issuances (
          id TEXT PRIMARY KEY,
          session_id TEXT NOT NULL,
          state TEXT NOT NULL UNIQUE,
          request_id TEXT NOT NULL,
          url TEXT NOT NULL,
          expiry INTEGER NOT NULL,
          pin TEXT NOT NULL DEFAULT '',
          status TEXT NOT NULL,
          error_code TEXT NOT NULL DEFAULT '',
          error_message TEXT NOT NULL DEFAULT '',
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE INDEX issuer_issuances_session ON issuer_issuances(session_id, created_at);
      )sql",
       // PostgreSQL: `rowid` breaks ties of created_at by insertion order.
       R"sql(
        CREATE TABLE issuer_issuances (
          rowid BIGINT GENERATED ALWAYS AS IDENTITY,
          id TEXT PRIMARY KEY,
          session_id TEXT NOT NULL,
          state TEXT NOT NULL UNIQUE,
          request_id TEXT NOT NULL,
          url TEXT NOT NULL,
          expiry BIGINT NOT NULL,
          pin TEXT NOT NULL DEFAULT '',
          status TEXT NOT NULL,
          error_code TEXT NOT NULL DEFAULT '',
          error_message TEXT NOT NULL DEFAULT '',
          created_at BIGINT NOT NULL,
          updated_at BIGINT NOT NULL
        );
        CREATE INDEX issuer_issuances_session ON issuer_issuances(session_id, created_at);
      )sql"},
      // Whose identity record the credential carries ("owner/name"): account
      // offers (the Casdoor-style API) have no session to derive it from.
      {2, "add_issuer_issuances_subject", R"sql(
        ALTER TABLE issuer_issuances ADD COLUMN subject TEXT NOT NULL DEFAULT '';
      )sql"},
      // One live offer per record (offer_gate.h), and the retention's scan by age.
      {3, "create_issuer_offer_gates",
       OfferGate::MigrationSql(common::Engine::kSqlite) + kOfferGroupSql,
       OfferGate::MigrationSql(common::Engine::kPostgresql) + kOfferGroupSql},
  };
  return kMigrations;
}

constexpr std::array<std::string_view, 4> kStatusNames = {"request_created", "request_retrieved",
                                                          "issuance_successful", "issuance_error"};

constexpr const char* kColumns =
    "SELECT id, session_id, state, request_id, url, expiry, pin, status, error_code, "
    "error_message, created_at, updated_at, subject, offer_group FROM issuer_issuances ";

IssuanceRecord FromRow(const common::Statement& st) {
  IssuanceRecord r;
  r.id = st.ColumnText(0);
  r.session_id = st.ColumnText(1);
  r.state = st.ColumnText(2);
  r.request_id = st.ColumnText(3);
  r.url = st.ColumnText(4);
  r.expiry = st.ColumnInt64(5);
  r.pin = st.ColumnText(6);
  r.status = ParseIssuanceStatus(st.ColumnText(7)).value_or(IssuanceStatus::kError);
  r.error_code = st.ColumnText(8);
  r.error_message = st.ColumnText(9);
  r.created_at = st.ColumnInt64(10);
  r.updated_at = st.ColumnInt64(11);
  r.subject = st.ColumnText(12);
  r.offer_group = st.ColumnText(13);
  return r;
}

Result<std::optional<IssuanceRecord>> QueryOne(Connection& conn, const std::string& where,
                                               const std::string& arg) {
  auto q = conn.Cached(kColumns + where);
  if (!q) return q.error();
  q->BindText(1, arg);
  auto row = q->Step();
  if (!row) return row.error();
  if (!*row) return std::optional<IssuanceRecord>();
  return std::optional<IssuanceRecord>(FromRow(*q));
}

}  // namespace

std::string_view IssuanceStatusName(IssuanceStatus s) {
  return kStatusNames[static_cast<size_t>(s)];
}

std::optional<IssuanceStatus> ParseIssuanceStatus(std::string_view name) {
  for (size_t i = 0; i < kStatusNames.size(); ++i) {
    if (kStatusNames[i] == name) return static_cast<IssuanceStatus>(i);
  }
  return std::nullopt;
}

Status IssuanceStore::Migrate(common::Database& db) {
  return common::ApplyMigrations(db, "issuer_issuance", Migrations());
}

Result<IssuanceRecord> IssuanceStore::Insert(IssuanceRecord r) {
  if (r.id.empty()) r.id = NewId();
  if (r.state.empty()) r.state = common::RandomId(24);
  r.status = IssuanceStatus::kCreated;
  r.created_at = r.updated_at = clock_.NowSeconds();
  Status st = db_.Transaction([&](Connection& conn) {
    auto ins = conn.Cached(
        "INSERT INTO issuer_issuances(id, session_id, state, request_id, url, expiry, pin, status, "
        "created_at, updated_at, subject, offer_group) "
        "VALUES(?, ?, ?, ?, ?, ?, ?, 'request_created', ?, ?, ?, ?)");
    if (!ins) return Status(ins.error());
    return ins->BindText(1, r.id)
        .BindText(2, r.session_id)
        .BindText(3, r.state)
        .BindText(4, r.request_id)
        .BindText(5, r.url)
        .BindInt64(6, r.expiry)
        .BindText(7, r.pin)
        .BindInt64(8, r.created_at)
        .BindInt64(9, r.updated_at)
        .BindText(10, r.subject)
        .BindText(11, r.offer_group)
        .Run();
  });
  if (!st) return st.error();
  return r;
}

std::string IssuanceStore::NewId() { return "is_" + common::RandomId(16); }

Result<int64_t> IssuanceStore::Prune(Connection& conn, int64_t before, int64_t now) {
  // Only requests the wallet can no longer use: ended, or past their expiry.
  auto del = conn.Cached(
      "DELETE FROM issuer_issuances WHERE created_at < ? AND (status IN "
      "('issuance_successful', 'issuance_error') OR expiry < ?)");
  if (!del) return del.error();
  if (Status run = del->BindInt64(1, before).BindInt64(2, now).Run(); !run) return run.error();
  int64_t removed = conn.Changes();
  auto gates = OfferGate::Prune(conn, now);
  if (!gates) return gates.error();
  return removed + *gates;
}

Result<IssuanceRecord> IssuanceStore::Get(const std::string& id) const {
  auto found = Find("WHERE id = ?", id);
  if (!found) return found.error();
  if (!*found) return Error{"issuance_not_found", "no such issuance request"};
  return **found;
}

Result<std::optional<IssuanceRecord>> IssuanceStore::Find(const std::string& where,
                                                          const std::string& arg) const {
  std::optional<IssuanceRecord> found;
  Status st = db_.Read([&](Connection& conn) {
    auto r = QueryOne(conn, where, arg);
    if (!r) return Status(r.error());
    found = std::move(*r);
    return Status::Ok();
  });
  if (!st) return st.error();
  return found;
}

Result<std::optional<IssuanceRecord>> IssuanceStore::LatestForSession(
    const std::string& session_id) const {
  return Find("WHERE session_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1", session_id);
}

Result<std::optional<IssuanceRecord>> IssuanceStore::FindByState(const std::string& state) const {
  return Find("WHERE state = ?", state);
}

common::Task<Result<std::optional<IssuanceRecord>>> IssuanceStore::FindByStateTask(
    std::string state) const {
  std::optional<IssuanceRecord> found;
  // The frame outlives the read: the work may refer to its locals.
  Status st = co_await common::AwaitRead(db_, [&](Connection& conn) {
    auto r = QueryOne(conn, "WHERE state = ?", state);
    if (!r) return Status(r.error());
    found = std::move(*r);
    return Status::Ok();
  });
  if (!st) co_return st.error();
  co_return found;
}

// The row is locked while it is read (ForUpdate): callbacks for one request
// that reach several instances at once apply one after the other.
Result<std::optional<std::pair<IssuanceRecord, bool>>> IssuanceStore::Apply(
    Connection& conn, const IssuanceEvent& e) {
  auto found = QueryOne(conn, "WHERE state = ?" + std::string(conn.ForUpdate()), e.state);
  if (!found) return found.error();
  if (!*found || (!e.request_id.empty() && e.request_id != (*found)->request_id)) {
    return std::optional<std::pair<IssuanceRecord, bool>>();
  }
  IssuanceRecord r = std::move(**found);
  // Forward only: a terminal record never changes; retrieved never follows itself.
  if (IsTerminal(r.status) || static_cast<int>(e.status) <= static_cast<int>(r.status)) {
    return std::optional<std::pair<IssuanceRecord, bool>>(std::make_pair(std::move(r), false));
  }
  r.status = e.status;
  r.updated_at = clock_.NowSeconds();
  if (e.status == IssuanceStatus::kError) {
    r.error_code = e.error_code;
    r.error_message = e.error_message;
  }
  if (IsTerminal(r.status)) r.pin.clear();
  auto up = conn.Cached(
      "UPDATE issuer_issuances SET status = ?, error_code = ?, error_message = ?, pin = ?, "
      "updated_at = ? WHERE id = ?");
  if (!up) return up.error();
  Status run = up->BindText(1, IssuanceStatusName(r.status))
                   .BindText(2, r.error_code)
                   .BindText(3, r.error_message)
                   .BindText(4, r.pin)
                   .BindInt64(5, r.updated_at)
                   .BindText(6, r.id)
                   .Run();
  if (!run) return run.error();
  return std::optional<std::pair<IssuanceRecord, bool>>(std::make_pair(std::move(r), true));
}

}  // namespace vc::issuer
