#include "common/store/migrations.h"

#include <cctype>
#include <chrono>

#include "common/base/log.h"

namespace vc::common {
namespace {

constexpr const char* kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " component TEXT NOT NULL,"
    " version INTEGER NOT NULL,"
    " name TEXT NOT NULL,"
    " applied_at INTEGER NOT NULL,"  // Unix seconds
    " PRIMARY KEY (component, version))";

// PostgreSQL: CREATE TABLE IF NOT EXISTS is not safe against a concurrent
// creator, so startups of several instances serialise on an advisory lock
// (released at commit) around it.
constexpr const char* kCreateTablePg =
    "SELECT pg_advisory_xact_lock(7236411977105437);"
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " component TEXT NOT NULL,"
    " version BIGINT NOT NULL,"
    " name TEXT NOT NULL,"
    " applied_at BIGINT NOT NULL,"
    " PRIMARY KEY (component, version))";

constexpr const char* kSelectMax =
    "SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE component = ?";

Error MigrationError(std::string message) { return MakeError("db_migration", std::move(message)); }

Result<int> MaxVersion(Connection& conn, std::string_view component) {
  auto st = conn.Cached(kSelectMax);
  if (!st.ok()) return st.error();
  auto row = st->BindText(1, component).Step();
  if (!row.ok()) return row.error();
  return static_cast<int>(*row ? st->ColumnInt64(0) : 0);
}

Status CheckOrder(std::string_view component, const std::vector<Migration>& migrations) {
  int previous = 0;
  for (const Migration& m : migrations) {
    if (m.version <= previous) {
      return MigrationError(std::string(component) + " migration " + std::to_string(m.version) +
                            " (" + m.name + "): versions must be positive and strictly increasing");
    }
    previous = m.version;
  }
  return Status::Ok();
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The version is checked again inside the write transaction: another process
// may have applied it since we looked.
Status ApplyOne(Database& db, std::string_view component, const Migration& m, bool* applied) {
  *applied = false;
  return db.Transaction([&](Connection& conn) -> Status {
    if (conn.engine() == Engine::kPostgresql) {
      // Another instance applying this migration holds it until its commit.
      if (Status s = conn.Exec("LOCK TABLE schema_migrations IN SHARE ROW EXCLUSIVE MODE"); !s) {
        return s;
      }
    }
    auto current = MaxVersion(conn, component);
    if (!current.ok()) return current.error();
    if (*current >= m.version) return Status::Ok();
    const bool pg = conn.engine() == Engine::kPostgresql && !m.postgresql.empty();
    if (Status s = conn.Exec(pg ? m.postgresql : m.sql); !s.ok()) return s;
    auto st = conn.Cached(
        "INSERT INTO schema_migrations(component, version, name, applied_at) VALUES(?,?,?,?)");
    if (!st.ok()) return st.error();
    Status s = st->BindText(1, component)
                   .BindInt64(2, m.version)
                   .BindText(3, m.name)
                   .BindInt64(4, NowSeconds())
                   .Run();
    *applied = s.ok();
    return s;
  });
}

}  // namespace

std::string BigIntegers(std::string_view sql) {
  std::string out;
  constexpr std::string_view kInteger = "INTEGER";
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  size_t i = 0;
  while (i < sql.size()) {
    if (sql.substr(i, kInteger.size()) == kInteger && (i == 0 || !word(sql[i - 1])) &&
        (i + kInteger.size() == sql.size() || !word(sql[i + kInteger.size()]))) {
      out += "BIGINT";
      i += kInteger.size();
    } else {
      out += sql[i++];
    }
  }
  return out;
}

Result<int> CurrentSchemaVersion(Database& db, std::string_view component) {
  if (db.engine() == Engine::kPostgresql) {
    Status s = db.Transaction([](Connection& conn) { return conn.Exec(kCreateTablePg); });
    if (!s.ok()) return s.error();
  } else if (Status s = db.Exec(kCreateTable); !s.ok()) {
    return s.error();
  }
  int version = 0;
  Status s = db.Read([&](Connection& conn) -> Status {
    auto v = MaxVersion(conn, component);
    if (!v.ok()) return v.error();
    version = *v;
    return Status::Ok();
  });
  if (!s.ok()) return s.error();
  return version;
}

Status ApplyMigrations(Database& db, std::string_view component,
                       const std::vector<Migration>& migrations) {
  if (Status s = CheckOrder(component, migrations); !s.ok()) return s;
  auto current = CurrentSchemaVersion(db, component);
  if (!current.ok()) return current.error();
  const int known = migrations.empty() ? 0 : migrations.back().version;
  if (*current > known) {
    return MigrationError("the database has " + std::string(component) + " schema version " +
                          std::to_string(*current) + " but this build knows only up to " +
                          std::to_string(known) + "; refusing to run on a newer schema");
  }
  for (const Migration& m : migrations) {
    if (m.version <= *current) continue;
    bool applied = false;
    if (Status s = ApplyOne(db, component, m, &applied); !s.ok()) {
      return MigrationError(std::string(component) + " migration " + std::to_string(m.version) +
                            " (" + m.name + ") failed: " + s.error().message);
    }
    if (applied) {
      LogInfo("db_migration_applied",
              {{"component", component}, {"version", m.version}, {"name", m.name}});
    }
  }
  return Status::Ok();
}

}  // namespace vc::common
