#include "issuer/sessions.h"

#include <array>
#include <memory>

#include "common/base/await.h"
#include "common/base/base64url.h"
#include "common/base/crypto.h"
#include "common/store/migrations.h"
#include "common/store/store_await.h"
#include "issuer/one_time_claims.h"

namespace vc::issuer {
using common::Connection;
using common::Error;
using common::Result;
using common::Status;

namespace {

const std::vector<common::Migration>& Migrations() {
  static const std::vector<common::Migration> kMigrations = {
      {1, "create_sessions_and_claims", R"sql(
        CREATE TABLE one_time_claims (
          scope TEXT NOT NULL,
          key TEXT NOT NULL,
          expires_at INTEGER NOT NULL,
          claimed_at INTEGER NOT NULL,
          session_id TEXT NOT NULL,
          PRIMARY KEY (scope, key)
        ) WITHOUT ROWID;
        CREATE TABLE sessions (
          id TEXT PRIMARY KEY,
          kind TEXT NOT NULL,
          status TEXT NOT NULL,
          org_id TEXT NOT NULL,
          request_id TEXT NOT NULL,
          redirect_url TEXT NOT NULL,
          mscv TEXT NOT NULL,
          subject TEXT NOT NULL,
          auth0_state TEXT NOT NULL,
          cookie_hash BLOB NOT NULL,
          created_at INTEGER NOT NULL,
          expires_at INTEGER NOT NULL,
          ended_at INTEGER NOT NULL DEFAULT 0
        );
      )sql",
       R"sql(
        CREATE TABLE one_time_claims (
          scope TEXT NOT NULL,
          key TEXT NOT NULL,
          expires_at BIGINT NOT NULL,
          claimed_at BIGINT NOT NULL,
          session_id TEXT NOT NULL,
          PRIMARY KEY (scope, key)
        );
        CREATE TABLE sessions (
          id TEXT PRIMARY KEY,
          kind TEXT NOT NULL,
          status TEXT NOT NULL,
          org_id TEXT NOT NULL,
          request_id TEXT NOT NULL,
          redirect_url TEXT NOT NULL,
          mscv TEXT NOT NULL,
          subject TEXT NOT NULL,
          auth0_state TEXT NOT NULL,
          cookie_hash BYTEA NOT NULL,
          created_at BIGINT NOT NULL,
          expires_at BIGINT NOT NULL,
          ended_at BIGINT NOT NULL DEFAULT 0
        );
      )sql"},
      // SQLite: the unique index moves into the writer's memory
      // (one_time_claims.h); the table keeps every claim, in claim order.
      {2, "one_time_claims_in_claim_order", R"sql(
        CREATE TABLE one_time_claims_by_time (
          scope TEXT NOT NULL,
          key TEXT NOT NULL,
          expires_at INTEGER NOT NULL,
          claimed_at INTEGER NOT NULL,
          session_id TEXT NOT NULL
        );
        INSERT INTO one_time_claims_by_time(scope, key, expires_at, claimed_at, session_id)
          SELECT scope, key, expires_at, claimed_at, session_id FROM one_time_claims
          ORDER BY claimed_at;
        DROP TABLE one_time_claims;
        ALTER TABLE one_time_claims_by_time RENAME TO one_time_claims;
      )sql",
       // PostgreSQL keeps its primary key: the instances share it.
       "SELECT 1"},
  };
  return kMigrations;
}

constexpr const char* kSelectSession =
    "SELECT id, kind, status, org_id, request_id, redirect_url, mscv, subject, auth0_state, "
    "created_at, expires_at, ended_at, cookie_hash FROM sessions WHERE id = ?";

Session FromRow(const common::Statement& st, std::string* cookie_hash) {
  Session s;
  s.id = st.ColumnText(0);
  s.kind = st.ColumnText(1) == "auth0" ? SessionKind::kAuth0 : SessionKind::kJumpstart;
  s.status = ParseStatus(st.ColumnText(2)).value_or(SessionStatus::kFailed);
  s.org_id = st.ColumnText(3);
  s.request_id = st.ColumnText(4);
  s.redirect_url = st.ColumnText(5);
  s.mscv = st.ColumnText(6);
  s.subject = st.ColumnText(7);
  s.auth0_state = st.ColumnText(8);
  s.created_at = st.ColumnInt64(9);
  s.expires_at = st.ColumnInt64(10);
  s.ended_at = st.ColumnInt64(11);
  if (cookie_hash) *cookie_hash = st.ColumnBlob(12);
  return s;
}

// `for_update`: inside a write that changes the session (see Connection::ForUpdate).
Result<std::optional<Session>> Find(Connection& conn, const std::string& id,
                                    std::string* cookie_hash, bool for_update = false) {
  auto st = for_update ? conn.Cached(kSelectSession + std::string(conn.ForUpdate()))
                       : conn.Cached(kSelectSession);
  if (!st) return st.error();
  st->BindText(1, id);
  auto row = st->Step();
  if (!row) return row.error();
  if (!*row) return std::optional<Session>();
  return std::optional<Session>(FromRow(*st, cookie_hash));
}

Result<Session> Load(Connection& conn, const std::string& id, std::string* cookie_hash,
                     bool for_update = false) {
  auto found = Find(conn, id, cookie_hash, for_update);
  if (!found) return found.error();
  if (!*found) return Error{"session_not_found", "no such session"};
  return std::move(**found);
}

struct SessionInfo {
  SessionError error;
  std::string_view code;
  int status;
};

// A storage failure answers 410 with the store's code, as any unknown code did.
constexpr std::array<SessionInfo, 5> kSessionInfo = {{
    {SessionError::kNotFound, "session_not_found", 404},
    {SessionError::kForbidden, "session_forbidden", 403},
    {SessionError::kExpired, "session_expired", 410},
    {SessionError::kUnavailable, "storage_unavailable", 503},
    {SessionError::kStorage, "db_error", 410},
}};

const SessionInfo& InfoFor(SessionError e) {
  for (const auto& i : kSessionInfo) {
    if (i.error == e) return i;
  }
  return kSessionInfo.back();
}

}  // namespace

std::string_view Code(SessionError e) { return InfoFor(e).code; }
int HttpStatus(SessionError e) { return InfoFor(e).status; }

std::pair<std::string, std::string> RecordKeyFor(const Session& s) {
  return {s.org_id, s.kind == SessionKind::kAuth0 ? s.subject : s.request_id};
}

std::string_view KindName(SessionKind k) {
  return k == SessionKind::kAuth0 ? "auth0" : "jumpstart";
}

std::string_view StatusName(SessionStatus s) {
  switch (s) {
    case SessionStatus::kActive:
      return "active";
    case SessionStatus::kIssued:
      return "issued";
    case SessionStatus::kVerified:
      return "verified";
    case SessionStatus::kFailed:
      return "failed";
    case SessionStatus::kCancelled:
      return "cancelled";
  }
  return "failed";
}

std::optional<SessionStatus> ParseStatus(std::string_view name) {
  for (auto s : {SessionStatus::kActive, SessionStatus::kIssued, SessionStatus::kVerified,
                 SessionStatus::kFailed, SessionStatus::kCancelled}) {
    if (StatusName(s) == name) return s;
  }
  return std::nullopt;
}

Status SessionStore::Prepare(common::Database& db) {
  if (Status s = common::ApplyMigrations(db, "issuer_sessions", Migrations()); !s) return s;
  return PrepareOneTimeClaims(db);
}

void SessionStore::OpenAsync(const NewSession& req, OpenDone done) {
  // One RAND_bytes call for both secrets: the session id (18 bytes) and the
  // cookie (32 bytes), base64url each.
  const std::string random = common::RandomBytes(18 + 32);
  auto out = std::make_shared<OpenedSession>();
  out->cookie = common::Base64UrlEncode(std::string_view(random).substr(18));
  Session& s = out->session;
  // Ordered by creation time, then 144 random bits: new sessions go to the
  // right edge of the id index (the cookie, not the id, is the secret).
  s.id = common::SortableTimePrefix(clock_.NowMillis()) +
         common::Base64UrlEncode(std::string_view(random).substr(0, 18));
  s.kind = req.kind;
  s.org_id = req.org_id;
  s.request_id = req.request_id;
  s.redirect_url = req.redirect_url;
  s.mscv = req.mscv;
  s.subject = req.subject;
  s.auth0_state = req.auth0_state;
  s.created_at = clock_.NowSeconds();
  s.expires_at = s.created_at + req.ttl_seconds;
  auto replayed = std::make_shared<bool>(false);
  // The claim and the session commit together: a crash between them can leave
  // neither, never a used key without its session or the reverse.
  auto work = [out, replayed, cookie_hash = common::Sha256(out->cookie),
               claim_scope = req.claim_scope, claim_key = req.claim_key,
               claim_expires_at = req.claim_expires_at](Connection& conn) -> Status {
    const Session& s = out->session;
    auto claimed = ClaimOnce(conn, {claim_scope, claim_key, claim_expires_at, s.created_at, s.id});
    if (!claimed) return claimed.error();
    if (!*claimed) {
      *replayed = true;
      return Error{"token_replayed", "this link was used before"};
    }
    auto ins = conn.Cached(
        "INSERT INTO sessions(id, kind, status, org_id, request_id, redirect_url, mscv, subject, "
        "auth0_state, cookie_hash, created_at, expires_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!ins) return ins.error();
    return ins->BindText(1, s.id)
        .BindText(2, KindName(s.kind))
        .BindText(3, "active")
        .BindText(4, s.org_id)
        .BindText(5, s.request_id)
        .BindText(6, s.redirect_url)
        .BindText(7, s.mscv)
        .BindText(8, s.subject)
        .BindText(9, s.auth0_state)
        .BindBlob(10, cookie_hash)
        .BindInt64(11, s.created_at)
        .BindInt64(12, s.expires_at)
        .Run();
  };
  db_.Submit(std::move(work), [out, replayed, done = std::move(done)](Status st) {
    if (!st) {
      return done(
          OpenFailure{*replayed ? OpenError::kReplayed : OpenError::kStorage, st.error().message});
    }
    done(std::move(*out));
  });
}

Result<OpenedSession, OpenFailure> SessionStore::Open(const NewSession& req) {
  return common::Await<Result<OpenedSession, OpenFailure>>(
      [&](OpenDone done) { OpenAsync(req, std::move(done)); });
}

Result<Session> SessionStore::Get(const std::string& id) const {
  Result<Session> out = Error{"session_not_found", "no such session"};
  Status st = db_.Read([&](Connection& conn) -> Status {
    out = Load(conn, id, nullptr);
    return Status::Ok();
  });
  if (!st) return st.error();
  return out;
}

namespace {

// What Authenticate answers once the row is read: `st` the read's status,
// `found` the row and `hash` its cookie's digest.
Result<Session, SessionFailure> Authenticated(const Status& st,
                                              const Result<std::optional<Session>>& found,
                                              const std::string& hash, std::string_view cookie,
                                              int64_t now) {
  auto storage = [](const Error& e) {
    return SessionFailure{
        common::IsUnavailable(e) ? SessionError::kUnavailable : SessionError::kStorage, e.message};
  };
  if (!st) return storage(st.error());
  if (!found) return storage(found.error());
  if (!*found) return SessionFailure{SessionError::kNotFound, "no such session"};
  if (cookie.empty() || !common::ConstantTimeEquals(common::Sha256(cookie), hash)) {
    return SessionFailure{SessionError::kForbidden, "this session belongs to another browser"};
  }
  const Session& s = **found;
  if (s.status == SessionStatus::kActive && now >= s.expires_at) {
    return SessionFailure{SessionError::kExpired, "this session has expired"};
  }
  return s;
}

}  // namespace

Result<Session, SessionFailure> SessionStore::Authenticate(const std::string& id,
                                                           std::string_view cookie) const {
  std::string hash;
  Result<std::optional<Session>> out = std::optional<Session>();
  Status st = db_.Read([&](Connection& conn) -> Status {
    out = Find(conn, id, &hash);
    return Status::Ok();
  });
  return Authenticated(st, out, hash, cookie, clock_.NowSeconds());
}

common::Task<Result<Session, SessionFailure>> SessionStore::AuthenticateTask(
    std::string id, std::string cookie) const {
  std::string hash;
  Result<std::optional<Session>> out = std::optional<Session>();
  // The frame outlives the read: the work may refer to its locals.
  Status st = co_await common::AwaitRead(db_, [&](Connection& conn) -> Status {
    out = Find(conn, id, &hash);
    return Status::Ok();
  });
  co_return Authenticated(st, out, hash, cookie, clock_.NowSeconds());
}

Result<Session> SessionStore::Finish(const std::string& id, SessionStatus status) {
  Result<Session> out = Error{"session_not_found", "no such session"};
  Status st = db_.Transaction([&](Connection& conn) -> Status {
    out = Load(conn, id, nullptr, true);
    if (!out) return Status::Ok();
    if (out->status != SessionStatus::kActive) {
      if (out->status != status) out = Error{"session_ended", "the session has already ended"};
      return Status::Ok();
    }
    const int64_t now = clock_.NowSeconds();
    auto upd = conn.Cached("UPDATE sessions SET status = ?, ended_at = ? WHERE id = ?");
    if (!upd) return upd.error();
    if (auto r = upd->BindText(1, StatusName(status)).BindInt64(2, now).BindText(3, id).Run(); !r) {
      return r;
    }
    out->status = status;
    out->ended_at = now;
    return Status::Ok();
  });
  if (!st) return st.error();
  return out;
}

Result<int64_t> SessionStore::Prune(Connection& conn, int64_t now, int64_t claim_grace_seconds,
                                    int64_t session_retention_seconds) {
  auto claims = PruneOneTimeClaims(conn, now - claim_grace_seconds);
  if (!claims) return claims.error();
  const int64_t removed = *claims;
  auto sessions = conn.Cached("DELETE FROM sessions WHERE expires_at < ?");
  if (!sessions) return sessions.error();
  if (auto r = sessions->BindInt64(1, now - session_retention_seconds).Run(); !r) return r.error();
  return removed + conn.Changes();
}

Result<int64_t> SessionStore::Prune(int64_t claim_grace_seconds,
                                    int64_t session_retention_seconds) {
  const int64_t now = clock_.NowSeconds();
  int64_t removed = 0;
  Status st = db_.Transaction([&](Connection& conn) -> Status {
    auto r = Prune(conn, now, claim_grace_seconds, session_retention_seconds);
    if (!r) return r.error();
    removed = *r;
    return Status::Ok();
  });
  if (!st) return st.error();
  return removed;
}

}  // namespace vc::issuer
