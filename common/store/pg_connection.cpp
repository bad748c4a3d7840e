#include "common/store/internal/pg_connection.h"

#include <libpq-fe.h>

#include <algorithm>
#include <utility>

namespace vc::common::detail {
namespace {

constexpr std::chrono::milliseconds kFirstBackoff{100};
constexpr std::chrono::milliseconds kMaxBackoff{2000};

Error Unavailable(std::string message) {
  return MakeError(std::string(kDbUnavailable), std::move(message));
}

bool IsDml(const pg_result* result) {
  const std::string_view tag = PQcmdStatus(const_cast<pg_result*>(result));
  for (std::string_view verb : {"INSERT", "UPDATE", "DELETE", "MERGE"}) {
    if (tag.starts_with(verb)) return true;
  }
  return false;
}

}  // namespace

void PgConnDeleter::operator()(pg_conn* conn) const { PQfinish(conn); }
void PgResultDeleter::operator()(pg_result* result) const { PQclear(result); }

Result<std::unique_ptr<PgConnection>> PgConnection::Open(const PgConnectOptions& options) {
  std::unique_ptr<PgConnection> conn(new PgConnection(options));
  if (Status s = conn->Connect(); !s) return s.error();
  return conn;
}

PgConnection::~PgConnection() {
  cache_.clear();
  conn_.reset();
}

// The URL comes last so that what it says wins over these defaults. Keepalives
// notice a server that vanished without closing the connection.
Status PgConnection::Connect() {
  cache_.clear();  // prepared statements live in the old session
  const std::string timeout = std::to_string(options_.connect_timeout_seconds);
  const char* keys[] = {"connect_timeout",  "keepalives",
                        "keepalives_idle",  "keepalives_interval",
                        "keepalives_count", "fallback_application_name",
                        "dbname",           nullptr};
  const char* values[] = {timeout.c_str(),      "1",    "10", "5", "3", "vcserver",
                          options_.url.c_str(), nullptr};
  conn_.reset(PQconnectdbParams(keys, values, 1));
  if (!conn_) return Unavailable("cannot allocate a PostgreSQL connection");
  if (PQstatus(conn_.get()) != CONNECTION_OK) {
    std::string why = PQerrorMessage(conn_.get());
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    conn_.reset();
    return Unavailable("cannot connect to PostgreSQL: " + why);
  }
  // Timestamps and sizes are BIGINT everywhere; bytea comes back as hex; a
  // transaction left open by a stuck instance must not hold its locks forever.
  std::string setup =
      "SET bytea_output = 'hex'; SET client_min_messages = warning;"
      " SET idle_in_transaction_session_timeout = '60s';";
  if (options_.read_only) setup += " SET default_transaction_read_only = on;";
  return Exec(setup);
}

Status PgConnection::Ready() {
  if (conn_ && PQstatus(conn_.get()) == CONNECTION_OK) return Status::Ok();
  const auto now = std::chrono::steady_clock::now();
  if (now < next_attempt_) return Unavailable("the database is unavailable; retrying shortly");
  Status s = Connect();
  if (s) {
    backoff_ = std::chrono::milliseconds(0);
    return s;
  }
  backoff_ = std::min(kMaxBackoff, backoff_.count() == 0 ? kFirstBackoff : backoff_ * 2);
  next_attempt_ = now + backoff_;
  return s;
}

bool PgConnection::InTransaction() const {
  if (!conn_) return false;
  const PGTransactionStatusType t = PQtransactionStatus(conn_.get());
  return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

bool PgConnection::Lost() const { return !conn_ || PQstatus(conn_.get()) != CONNECTION_OK; }

bool PgConnection::TransactionFailed() const {
  return conn_ && PQtransactionStatus(conn_.get()) == PQTRANS_INERROR;
}

void PgConnection::NoteChanges(const pg_result* result) {
  if (!IsDml(result)) return;
  const char* n = PQcmdTuples(const_cast<pg_result*>(result));
  changes_ = (n && *n) ? std::stoll(n) : 0;
}

Status PgConnection::Exec(std::string_view sql) {
  if (!conn_) return Unavailable("the database connection is lost");
  const std::string text(sql);
  PgResultPtr result(PQexec(conn_.get(), text.c_str()));
  const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return PgError(conn_.get(), result.get(), text);
  }
  NoteChanges(result.get());
  // COMMIT of a transaction in which a statement failed rolls back instead,
  // and PostgreSQL reports that as success.
  if (text == "COMMIT" && std::string_view(PQcmdStatus(result.get())) == "ROLLBACK") {
    return MakeError(std::string(kDbError), "COMMIT: the transaction had failed and rolled back");
  }
  return Status::Ok();
}

Result<Statement> PgConnection::Prepare(std::string_view sql) {
  if (!conn_) return Unavailable("the database connection is lost");
  return Statement(new PgStatement(this, "", RewriteParameters(sql)));
}

Result<Statement> PgConnection::Cached(std::string_view sql) {
  if (!conn_) return Unavailable("the database connection is lost");
  std::string key(sql);
  auto it = cache_.find(key);
  if (it != cache_.end()) {
    if (it->second->in_use) return Prepare(sql);
    it->second->in_use = true;
    return Statement(it->second.get());
  }
  PgSql parsed = RewriteParameters(sql);
  std::string name = "vc" + std::to_string(++next_name_);
  PgResultPtr result(PQprepare(conn_.get(), name.c_str(), parsed.text.c_str(),
                               static_cast<int>(parsed.names.size()), nullptr));
  if (!result || PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    return PgError(conn_.get(), result.get(), sql);
  }
  auto cached = std::make_unique<PgStatement>(this, std::move(name), std::move(parsed));
  cached->in_use = true;
  PgStatement* ptr = cached.get();
  cache_.emplace(std::move(key), std::move(cached));
  return Statement(ptr);
}

}  // namespace vc::common::detail
