#include "request_service/request_store.h"

#include "common/http/outbox_store.h"

namespace vc::request_service {
using common::Connection;
using common::Result;
using common::Status;

std::vector<common::Migration> RequestServiceMigrations() {
  return {{1, "create_request_service_tables", R"(
CREATE TABLE rs_requests(
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, body TEXT NOT NULL,
  wallet_state TEXT NOT NULL UNIQUE, nonce TEXT NOT NULL, pin_salt TEXT NOT NULL,
  created INTEGER NOT NULL, expiry INTEGER NOT NULL, retrieved INTEGER NOT NULL DEFAULT 0,
  issued_jti TEXT NOT NULL DEFAULT '', pin_failures INTEGER NOT NULL DEFAULT 0,
  terminal TEXT NOT NULL DEFAULT '');
CREATE TABLE rs_outbox(
  id INTEGER PRIMARY KEY AUTOINCREMENT, request_id TEXT NOT NULL, url TEXT NOT NULL,
  headers TEXT NOT NULL, body TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  next_at_ms INTEGER NOT NULL, done INTEGER NOT NULL DEFAULT 0, outcome TEXT NOT NULL DEFAULT '');
CREATE INDEX rs_outbox_pending ON rs_outbox(done, id);
CREATE TABLE rs_status_lists(id TEXT PRIMARY KEY, next_index INTEGER NOT NULL);
CREATE TABLE rs_credentials(
  jti TEXT PRIMARY KEY, contract_id TEXT NOT NULL, list_id TEXT NOT NULL, list_index INTEGER NOT NULL,
  index_hash TEXT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0, issued_at INTEGER NOT NULL,
  UNIQUE(list_id, list_index));
CREATE INDEX rs_credentials_hash ON rs_credentials(index_hash);
)"},
          // Delivery states: events given up before are kept as dead letters.
          {2, "outbox_delivery_states", common::OutboxUpgradeSql("rs_outbox")},
          // The retention's scan of expired requests (PruneRequests).
          {3, "index_request_expiry", "CREATE INDEX rs_requests_expiry ON rs_requests(expiry);"}};
}

Result<int64_t> PruneRequests(Connection& c, int64_t before) {
  auto st = c.Cached("DELETE FROM rs_requests WHERE expiry < ?");
  if (!st) return st.error();
  if (auto s = st->BindInt64(1, before).Run(); !s) return s.error();
  return c.Changes();
}

Status InsertRequest(Connection& c, const StoredRequest& r) {
  auto st = c.Cached(
      "INSERT INTO rs_requests(id, kind, body, wallet_state, nonce, pin_salt, created, expiry) "
      "VALUES(?,?,?,?,?,?,?,?)");
  if (!st) return st.error();
  return st->BindText(1, r.id)
      .BindText(2, r.kind)
      .BindText(3, r.body)
      .BindText(4, r.wallet_state)
      .BindText(5, r.nonce)
      .BindText(6, r.pin_salt)
      .BindInt64(7, r.created)
      .BindInt64(8, r.expiry)
      .Run();
}

Result<std::optional<StoredRequest>> FindRequest(Connection& c, const char* column,
                                                 const std::string& value) {
  const std::string col = std::string(column) == "id" ? "id" : "wallet_state";
  auto st = c.Cached(
      "SELECT id, kind, body, wallet_state, nonce, pin_salt, created, expiry, retrieved, "
      "issued_jti, pin_failures, terminal FROM rs_requests WHERE " +
      col + " = ?");
  if (!st) return st.error();
  st->BindText(1, value);
  auto row = st->Step();
  if (!row) return row.error();
  if (!*row) return std::optional<StoredRequest>();
  StoredRequest r{st->ColumnText(0),
                  st->ColumnText(1),
                  st->ColumnText(2),
                  st->ColumnText(3),
                  st->ColumnText(4),
                  st->ColumnText(5),
                  st->ColumnInt64(6),
                  st->ColumnInt64(7),
                  st->ColumnInt64(8) != 0,
                  st->ColumnText(9),
                  static_cast<int>(st->ColumnInt64(10)),
                  st->ColumnText(11)};
  return std::optional<StoredRequest>(std::move(r));
}

namespace {
bool KnownColumn(const std::string& c) {
  return c == "retrieved" || c == "issued_jti" || c == "pin_failures" || c == "terminal";
}
}  // namespace

Status UpdateRequest(Connection& c, const std::string& id, const char* column,
                     const std::string& value) {
  if (!KnownColumn(column)) return common::Error{"db_error", "unknown column"};
  auto st = c.Cached(std::string("UPDATE rs_requests SET ") + column + " = ? WHERE id = ?");
  if (!st) return st.error();
  return st->BindText(1, value).BindText(2, id).Run();
}

Status UpdateRequest(Connection& c, const std::string& id, const char* column, int64_t value) {
  if (!KnownColumn(column)) return common::Error{"db_error", "unknown column"};
  auto st = c.Cached(std::string("UPDATE rs_requests SET ") + column + " = ? WHERE id = ?");
  if (!st) return st.error();
  return st->BindInt64(1, value).BindText(2, id).Run();
}

Result<std::pair<std::string, int64_t>> AllocateStatusSlot(Connection& c, int64_t list_size) {
  auto st = c.Cached(
      "SELECT id, next_index FROM rs_status_lists ORDER BY CAST(id AS INTEGER) DESC LIMIT 1");
  if (!st) return st.error();
  auto row = st->Step();
  if (!row) return row.error();
  std::string list = *row ? st->ColumnText(0) : "1";
  int64_t index = *row ? st->ColumnInt64(1) : 0;
  if (index >= list_size) {
    list = std::to_string(std::stoll(list) + 1);
    index = 0;
  }
  auto up = c.Cached(
      "INSERT INTO rs_status_lists(id, next_index) VALUES(?, ?) "
      "ON CONFLICT(id) DO UPDATE SET next_index = excluded.next_index");
  if (!up) return up.error();
  if (auto s = up->BindText(1, list).BindInt64(2, index + 1).Run(); !s) return s.error();
  return std::make_pair(list, index);
}

Status InsertCredential(Connection& c, const StoredCredential& cred, int64_t now) {
  auto st = c.Cached(
      "INSERT INTO rs_credentials(jti, contract_id, list_id, list_index, index_hash, issued_at) "
      "VALUES(?,?,?,?,?,?)");
  if (!st) return st.error();
  return st->BindText(1, cred.jti)
      .BindText(2, cred.contract_id)
      .BindText(3, cred.list_id)
      .BindInt64(4, cred.list_index)
      .BindText(5, cred.index_hash)
      .BindInt64(6, now)
      .Run();
}

Result<int64_t> RevokeCredentials(Connection& c, const char* column, const std::string& value) {
  const std::string col = std::string(column) == "jti" ? "jti" : "index_hash";
  auto st =
      c.Cached("UPDATE rs_credentials SET revoked = 1 WHERE " + col + " = ? AND " + col + " != ''");
  if (!st) return st.error();
  if (auto s = st->BindText(1, value).Run(); !s) return s.error();
  return c.Changes();
}

Result<std::vector<int64_t>> RevokedIndexes(Connection& c, const std::string& list_id) {
  auto st = c.Cached("SELECT list_index FROM rs_credentials WHERE list_id = ? AND revoked = 1");
  if (!st) return st.error();
  st->BindText(1, list_id);
  std::vector<int64_t> out;
  for (;;) {
    auto row = st->Step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(st->ColumnInt64(0));
  }
  return out;
}

Result<bool> ListExists(Connection& c, const std::string& list_id) {
  auto st = c.Cached("SELECT 1 FROM rs_status_lists WHERE id = ?");
  if (!st) return st.error();
  st->BindText(1, list_id);
  auto row = st->Step();
  if (!row) return row.error();
  return *row;
}

}  // namespace vc::request_service
