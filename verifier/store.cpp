#include "verifier/store.h"

#include "common/http/outbox_store.h"
#include "common/store/store_await.h"

namespace vc::verifier {
using common::Connection;
using common::Result;
using common::Status;

namespace {

constexpr const char* kColumns =
    "id, org, policy, state, rs_request_id, url, expiry, status, result, error_code, "
    "error_message, created, updated, protocol, nonce, request_object";

StoredPresentation Read(common::Statement& st) {
  return StoredPresentation{
      st.ColumnText(0),   st.ColumnText(1),  st.ColumnText(2),  st.ColumnText(3),
      st.ColumnText(4),   st.ColumnText(5),  st.ColumnInt64(6), st.ColumnText(7),
      st.ColumnText(8),   st.ColumnText(9),  st.ColumnText(10), st.ColumnInt64(11),
      st.ColumnInt64(12), st.ColumnText(13), st.ColumnText(14), st.ColumnText(15)};
}

// `for_update` inside a write that changes the request (Connection::ForUpdate).
Result<std::optional<StoredPresentation>> FindIn(Connection& c, const char* column,
                                                 const std::string& value,
                                                 bool for_update = false) {
  const std::string col = std::string(column) == "id" ? "id" : "state";
  auto st = c.Cached(std::string("SELECT ") + kColumns + " FROM vf_requests WHERE " + col + " = ?" +
                     std::string(for_update ? c.ForUpdate() : ""));
  if (!st) return st.error();
  st->BindText(1, value);
  auto row = st->Step();
  if (!row) return row.error();
  if (!*row) return std::optional<StoredPresentation>();
  return std::optional<StoredPresentation>(Read(*st));
}

// Claims `nonce` for `request_id`; false when another request already had it.
Result<bool> ClaimNonce(Connection& c, const std::string& nonce, const std::string& request_id,
                        int64_t now) {
  auto st = c.Cached(
      "INSERT INTO vf_nonces(nonce, request_id, created) VALUES(?,?,?) ON CONFLICT DO NOTHING");
  if (!st) return st.error();
  if (auto s = st->BindText(1, nonce).BindText(2, request_id).BindInt64(3, now).Run(); !s)
    return s.error();
  return c.Changes() == 1;
}

}  // namespace

bool IsTerminalStatus(const std::string& status) {
  return status == "presentation_verified" || status == "presentation_error";
}

std::vector<common::Migration> VerifierMigrations() {
  const std::string tables = R"(
CREATE TABLE vf_requests(
  id TEXT PRIMARY KEY, org TEXT NOT NULL, policy TEXT NOT NULL, state TEXT NOT NULL UNIQUE,
  rs_request_id TEXT NOT NULL DEFAULT '', url TEXT NOT NULL DEFAULT '', expiry INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL, result TEXT NOT NULL DEFAULT '', error_code TEXT NOT NULL DEFAULT '',
  error_message TEXT NOT NULL DEFAULT '', created INTEGER NOT NULL, updated INTEGER NOT NULL);
CREATE INDEX vf_requests_created ON vf_requests(created);
CREATE TABLE vf_nonces(nonce TEXT PRIMARY KEY, request_id TEXT NOT NULL, created INTEGER NOT NULL);
)";
  const std::string openid4vp = R"(
ALTER TABLE vf_requests ADD COLUMN protocol TEXT NOT NULL DEFAULT 'entra';
ALTER TABLE vf_requests ADD COLUMN nonce TEXT NOT NULL DEFAULT '';
ALTER TABLE vf_requests ADD COLUMN request_object TEXT NOT NULL DEFAULT '';
)";
  using common::Engine;
  return {
      {1, "create_verifier_tables", tables + common::OutboxTableSql(kWebhookTable, Engine::kSqlite),
       common::BigIntegers(tables) + common::OutboxTableSql(kWebhookTable, Engine::kPostgresql)},
      {2, "openid4vp_requests", openid4vp},
      // Delivery states: webhooks given up before are kept as dead letters.
      {3, "outbox_delivery_states", common::OutboxUpgradeSql(kWebhookTable, Engine::kSqlite),
       common::OutboxUpgradeSql(kWebhookTable, Engine::kPostgresql)},
      // Leases, so that several instances deliver webhooks from one table.
      {4, "lease_vf_webhooks", common::OutboxLeaseSql(kWebhookTable, Engine::kSqlite),
       common::OutboxLeaseSql(kWebhookTable, Engine::kPostgresql)}};
}

Status PresentationStore::Insert(const StoredPresentation& p) {
  return db_.Transaction([&](Connection& c) -> Status {
    auto st = c.Cached(
        "INSERT INTO vf_requests(id, org, policy, state, status, created, updated, url, expiry, "
        "protocol, nonce, request_object) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!st) return st.error();
    return st->BindText(1, p.id)
        .BindText(2, p.org)
        .BindText(3, p.policy)
        .BindText(4, p.state)
        .BindText(5, p.status)
        .BindInt64(6, p.created)
        .BindInt64(7, p.created)
        .BindText(8, p.url)
        .BindInt64(9, p.expiry)
        .BindText(10, p.protocol)
        .BindText(11, p.nonce)
        .BindText(12, p.request_object)
        .Run();
  });
}

Status PresentationStore::SetCreated(const std::string& id, const std::string& rs_request_id,
                                     const std::string& url, int64_t expiry) {
  return db_.Transaction([&](Connection& c) -> Status {
    auto st =
        c.Cached("UPDATE vf_requests SET rs_request_id = ?, url = ?, expiry = ? WHERE id = ?");
    if (!st) return st.error();
    return st->BindText(1, rs_request_id)
        .BindText(2, url)
        .BindInt64(3, expiry)
        .BindText(4, id)
        .Run();
  });
}

Status PresentationStore::Remove(const std::string& id) {
  return db_.Transaction([&](Connection& c) -> Status {
    auto st = c.Cached("DELETE FROM vf_requests WHERE id = ?");
    if (!st) return st.error();
    return st->BindText(1, id).Run();
  });
}

Result<std::optional<StoredPresentation>> PresentationStore::Find(const char* column,
                                                                  const std::string& value) {
  std::optional<StoredPresentation> out;
  Status s = db_.Read([&](Connection& c) -> Status {
    auto r = FindIn(c, column, value);
    if (!r) return r.error();
    out = std::move(*r);
    return {};
  });
  if (!s) return s.error();
  return out;
}

common::Task<Result<std::optional<StoredPresentation>>> PresentationStore::FindTask(
    const char* column, std::string value) {
  std::optional<StoredPresentation> out;
  // The frame outlives the read: the work may refer to its locals.
  Status s = co_await common::AwaitRead(db_, [&](Connection& c) -> Status {
    auto r = FindIn(c, column, value);
    if (!r) return r.error();
    out = std::move(*r);
    return {};
  });
  if (!s) co_return s.error();
  co_return out;
}

common::Database::Work PresentationStore::MarkRetrievedWork(const std::string& state, int64_t now,
                                                            bool* changed) {
  return [&state, now, changed](Connection& c) -> Status {
    *changed = false;
    auto st = c.Cached(
        "UPDATE vf_requests SET status = 'request_retrieved', updated = ? "
        "WHERE state = ? AND status = 'request_created'");
    if (!st) return st.error();
    if (auto r = st->BindInt64(1, now).BindText(2, state).Run(); !r) return r;
    *changed = c.Changes() == 1;
    return {};
  };
}

Result<bool> PresentationStore::MarkRetrieved(const std::string& state, int64_t now) {
  bool changed = false;
  Status s = db_.Transaction(MarkRetrievedWork(state, now, &changed));
  if (!s) return s.error();
  return changed;
}

common::Task<Result<bool>> PresentationStore::MarkRetrievedTask(std::string state, int64_t now) {
  bool changed = false;
  Status s = co_await common::AwaitCommit(db_, MarkRetrievedWork(state, now, &changed));
  if (!s) co_return s.error();
  co_return changed;
}

common::Database::Work PresentationStore::FinishWork(const std::string& state,
                                                     const Terminal& terminal,
                                                     const std::string& nonce, int64_t now,
                                                     const OnRecorded& on_recorded, bool* changed,
                                                     bool* ended_meanwhile) {
  return [&state, &terminal, &nonce, now, &on_recorded, changed,
          ended_meanwhile](Connection& c) -> Status {
    *changed = *ended_meanwhile = false;
    Terminal t = terminal;  // a work may run again (a deadlock broken): start from the event
    auto found = FindIn(c, "state", state, true);
    if (!found) return found.error();
    if (!*found || IsTerminalStatus((*found)->status)) return {};
    StoredPresentation p = std::move(**found);
    if (!nonce.empty()) {
      auto fresh = ClaimNonce(c, nonce, p.id, now);
      if (!fresh) return fresh.error();
      if (!*fresh)
        t = Terminal{"presentation_error", "", "nonce_replay",
                     "this presentation was already used"};
    }
    // Conditional: the first terminal event wins whatever the isolation level.
    auto st = c.Cached(
        "UPDATE vf_requests SET status = ?, result = ?, error_code = ?, error_message = ?, "
        "updated = ? WHERE id = ? AND status IN ('request_created', 'request_retrieved')");
    if (!st) return st.error();
    if (auto r = st->BindText(1, t.status)
                     .BindText(2, t.result)
                     .BindText(3, t.error_code)
                     .BindText(4, t.error_message)
                     .BindInt64(5, now)
                     .BindText(6, p.id)
                     .Run();
        !r) {
      return r;
    }
    if (c.Changes() != 1) {  // ended meanwhile: roll back the nonce claim too
      *ended_meanwhile = true;
      return common::Error{"conflict", "the request ended meanwhile"};
    }
    p.status = t.status;
    p.result = t.result;
    p.error_code = t.error_code;
    p.error_message = t.error_message;
    p.updated = now;
    *changed = true;
    return on_recorded ? on_recorded(c, p) : Status{};
  };
}

Result<bool> PresentationStore::Finished(const Status& committed, bool changed,
                                         bool ended_meanwhile) {
  if (ended_meanwhile) return false;
  if (!committed) return committed.error();
  return changed;
}

Result<bool> PresentationStore::Finish(const std::string& state, Terminal t,
                                       const std::string& nonce, int64_t now,
                                       const OnRecorded& on_recorded) {
  bool changed = false, ended_meanwhile = false;
  Status s =
      db_.Transaction(FinishWork(state, t, nonce, now, on_recorded, &changed, &ended_meanwhile));
  return Finished(s, changed, ended_meanwhile);
}

common::Task<Result<bool>> PresentationStore::FinishTask(std::string state, Terminal t,
                                                         std::string nonce, int64_t now,
                                                         OnRecorded on_recorded) {
  bool changed = false, ended_meanwhile = false;
  Status s = co_await common::AwaitCommit(
      db_, FinishWork(state, t, nonce, now, on_recorded, &changed, &ended_meanwhile));
  co_return Finished(s, changed, ended_meanwhile);
}

Result<int64_t> PresentationStore::Purge(int64_t before) {
  int64_t removed = 0;
  Status s = db_.Transaction([&](Connection& c) -> Status {
    auto st = c.Cached("DELETE FROM vf_requests WHERE created < ?");
    if (!st) return st.error();
    if (auto r = st->BindInt64(1, before).Run(); !r) return r;
    removed = c.Changes();
    auto nonces = c.Cached("DELETE FROM vf_nonces WHERE created < ?");
    if (!nonces) return nonces.error();
    return nonces->BindInt64(1, before).Run();
  });
  if (!s) return s.error();
  return removed;
}

}  // namespace vc::verifier
