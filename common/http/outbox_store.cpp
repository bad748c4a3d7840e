#include "common/http/outbox_store.h"

namespace vc::common {
namespace {

constexpr const char* kColumns =
    "id, request_id, url, headers, body, attempts, next_at_ms, created_ms, since_ms, updated_ms, "
    "state, outcome, destination";

OutboxEvent ReadEvent(Statement& st) {
  OutboxEvent e;
  e.id = st.ColumnInt64(0);
  e.key = st.ColumnText(1);
  e.url = st.ColumnText(2);
  e.headers = st.ColumnText(3);
  e.body = st.ColumnText(4);
  e.attempts = static_cast<int>(st.ColumnInt64(5));
  e.next_at_ms = st.ColumnInt64(6);
  e.created_ms = st.ColumnInt64(7);
  e.since_ms = st.ColumnInt64(8);
  e.updated_ms = st.ColumnInt64(9);
  e.state = ParseOutboxState(st.ColumnText(10)).value_or(OutboxState::kDead);
  e.outcome = st.ColumnText(11);
  e.destination = st.ColumnText(12);
  return e;
}

Status ReadAll(Statement& st, std::vector<OutboxEvent>& out) {
  for (;;) {
    auto row = st.Step();
    if (!row) return row.error();
    if (!*row) return {};
    out.push_back(ReadEvent(st));
  }
}

// One write statement; the number of rows it changed.
template <typename Bind>
Result<int64_t> Write(Database& db, const std::string& sql, Bind bind) {
  int64_t changed = 0;
  Status s = db.Transaction([&](Connection& c) -> Status {
    auto st = c.Cached(sql);
    if (!st) return st.error();
    if (auto r = bind(*st).Run(); !r) return r;
    changed = c.Changes();
    return {};
  });
  if (!s) return s.error();
  return changed;
}

}  // namespace

std::string_view StateName(OutboxState state) {
  switch (state) {
    case OutboxState::kPending:
      return "pending";
    case OutboxState::kDelivered:
      return "delivered";
    case OutboxState::kDead:
      return "dead";
  }
  return "dead";
}

std::optional<OutboxState> ParseOutboxState(std::string_view name) {
  for (auto s : {OutboxState::kPending, OutboxState::kDelivered, OutboxState::kDead}) {
    if (StateName(s) == name) return s;
  }
  return std::nullopt;
}

std::string OutboxTableSql(const std::string& t) {
  return "CREATE TABLE " + t +
         "(\n"
         "  id INTEGER PRIMARY KEY AUTOINCREMENT, request_id TEXT NOT NULL, url TEXT NOT NULL,\n"
         "  headers TEXT NOT NULL, body TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,\n"
         "  next_at_ms INTEGER NOT NULL, done INTEGER NOT NULL DEFAULT 0, outcome TEXT NOT NULL "
         "DEFAULT '');\n"
         "CREATE INDEX " +
         t + "_pending ON " + t + "(done, id);\n";
}

// Rows of the first shape: done = 0 is pending; done = 1 was delivered (a 2xx
// outcome) or given up, which is now a dead letter an operator can retry.
// Their destination is their whole URL (SQL cannot take an origin apart):
// they queue per URL instead of per origin.
std::string OutboxUpgradeSql(const std::string& t) {
  std::string sql;
  for (const char* column :
       {"state TEXT NOT NULL DEFAULT 'pending'", "destination TEXT NOT NULL DEFAULT ''",
        "created_ms INTEGER NOT NULL DEFAULT 0", "since_ms INTEGER NOT NULL DEFAULT 0",
        "updated_ms INTEGER NOT NULL DEFAULT 0"}) {
    sql += "ALTER TABLE " + t + " ADD COLUMN " + column + ";\n";
  }
  sql += "UPDATE " + t +
         " SET state = CASE WHEN done = 0 THEN 'pending' WHEN outcome LIKE '2__' THEN "
         "'delivered' ELSE 'dead' END, destination = url, created_ms = next_at_ms, "
         "since_ms = next_at_ms, updated_ms = next_at_ms;\n";
  sql += "CREATE INDEX " + t + "_queue ON " + t + "(state, destination, id);\n";
  return sql;
}

namespace outbox_store {

Status Insert(Connection& c, const std::string& table, const std::string& key,
              const std::string& destination, const std::string& url,
              const std::string& headers_json, const std::string& body, int64_t now_ms) {
  auto st = c.Cached("INSERT INTO " + table +
                     "(request_id, destination, url, headers, body, next_at_ms, created_ms, "
                     "since_ms, updated_ms, state) VALUES(?,?,?,?,?,?,?,?,?,'pending')");
  if (!st) return st.error();
  return st->BindText(1, key)
      .BindText(2, destination)
      .BindText(3, url)
      .BindText(4, headers_json)
      .BindText(5, body)
      .BindInt64(6, now_ms)
      .BindInt64(7, now_ms)
      .BindInt64(8, now_ms)
      .BindInt64(9, now_ms)
      .Run();
}

Result<std::vector<OutboxDestination>> Destinations(Database& db, const std::string& table) {
  std::vector<OutboxDestination> out;
  Status s = db.Read([&](Connection& c) -> Status {
    auto st = c.Cached("SELECT destination, MIN(next_at_ms), MIN(since_ms), MAX(since_ms) FROM " +
                       table + " WHERE state = 'pending' GROUP BY destination");
    if (!st) return st.error();
    for (;;) {
      auto row = st->Step();
      if (!row) return row.error();
      if (!*row) return {};
      out.push_back(
          {st->ColumnText(0), st->ColumnInt64(1), st->ColumnInt64(2), st->ColumnInt64(3)});
    }
  });
  if (!s) return s.error();
  return out;
}

Result<std::vector<OutboxEvent>> Pending(Database& db, const std::string& table,
                                         const std::string& destination, int limit) {
  std::vector<OutboxEvent> out;
  Status s = db.Read([&](Connection& c) -> Status {
    auto st = c.Cached(std::string("SELECT ") + kColumns + " FROM " + table +
                       " WHERE state = 'pending' AND destination = ? ORDER BY id LIMIT ?");
    if (!st) return st.error();
    st->BindText(1, destination).BindInt64(2, limit);
    return ReadAll(*st, out);
  });
  if (!s) return s.error();
  return out;
}

Status Record(Database& db, const std::string& table, const OutboxAttempt& a) {
  auto changed = Write(
      db,
      "UPDATE " + table +
          " SET attempts = ?, state = ?, done = ?, outcome = ?, next_at_ms = ?, updated_ms = ? "
          "WHERE id = ? AND state = 'pending'",
      [&](Statement& st) -> Statement& {
        return st.BindInt64(1, a.attempts)
            .BindText(2, std::string(StateName(a.state)))
            .BindInt64(3, a.state == OutboxState::kPending ? 0 : 1)
            .BindText(4, a.outcome)
            .BindInt64(5, a.next_at_ms)
            .BindInt64(6, a.now_ms)
            .BindInt64(7, a.id);
      });
  if (!changed) return changed.error();
  return {};
}

Result<std::vector<OutboxEvent>> List(Database& db, const std::string& table,
                                      std::optional<OutboxState> state, int limit) {
  std::vector<OutboxEvent> out;
  Status s = db.Read([&](Connection& c) -> Status {
    auto st = c.Cached(std::string("SELECT ") + kColumns + " FROM " + table +
                       " WHERE (? = '' OR state = ?) ORDER BY id DESC LIMIT ?");
    if (!st) return st.error();
    const std::string name = state ? std::string(StateName(*state)) : "";
    st->BindText(1, name).BindText(2, name).BindInt64(3, limit);
    return ReadAll(*st, out);
  });
  if (!s) return s.error();
  return out;
}

Result<int64_t> Retry(Database& db, const std::string& table, int64_t id, int64_t now_ms) {
  return Write(db,
               "UPDATE " + table +
                   " SET state = 'pending', done = 0, attempts = 0, next_at_ms = ?, since_ms = ?, "
                   "updated_ms = ? WHERE state = 'dead' AND (? = 0 OR id = ?)",
               [&](Statement& st) -> Statement& {
                 return st.BindInt64(1, now_ms)
                     .BindInt64(2, now_ms)
                     .BindInt64(3, now_ms)
                     .BindInt64(4, id)
                     .BindInt64(5, id);
               });
}

Result<int64_t> Drop(Database& db, const std::string& table, int64_t id) {
  return Write(db, "DELETE FROM " + table + " WHERE id = ?",
               [&](Statement& st) -> Statement& { return st.BindInt64(1, id); });
}

Result<int64_t> PurgeDelivered(Database& db, const std::string& table, int64_t before_ms) {
  return Write(db, "DELETE FROM " + table + " WHERE state = 'delivered' AND updated_ms < ?",
               [&](Statement& st) -> Statement& { return st.BindInt64(1, before_ms); });
}

Result<OutboxStats> Stats(Database& db, const std::string& table) {
  OutboxStats out;
  Status s = db.Read([&](Connection& c) -> Status {
    auto st = c.Cached("SELECT state, COUNT(*), MIN(created_ms) FROM " + table +
                       " WHERE state != 'delivered' GROUP BY state");
    if (!st) return st.error();
    for (;;) {
      auto row = st->Step();
      if (!row) return row.error();
      if (!*row) return {};
      const std::string state = st->ColumnText(0);
      if (state == "pending") {
        out.pending = st->ColumnInt64(1);
        out.oldest_pending_created_ms = st->ColumnInt64(2);
      } else {
        out.dead += st->ColumnInt64(1);
      }
    }
  });
  if (!s) return s.error();
  return out;
}

Result<bool> Exists(Database& db, const std::string& table) {
  bool found = false;
  Status s = db.Read([&](Connection& c) -> Status {
    auto st = c.Cached("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
    if (!st) return st.error();
    st->BindText(1, table);
    auto row = st->Step();
    if (!row) return row.error();
    found = *row;
    return {};
  });
  if (!s) return s.error();
  return found;
}

}  // namespace outbox_store
}  // namespace vc::common
