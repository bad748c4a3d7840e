// Issuer sessions: one per user journey (a jumpstart link or an Auth0
// redirect), created only after the inbound token passed every check and its
// one-time identifier was claimed, in the same transaction.
//
// A session has a public id (in URLs such as /proofing/{id}) and a secret
// cookie value bound to the browser; only the cookie's SHA-256 is stored.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/base/clock.h"
#include "common/base/result.h"
#include "common/base/task.h"
#include "common/store/store.h"

namespace vc::issuer {

enum class SessionKind { kJumpstart, kAuth0 };
// kActive until the flow ends; the others are terminal and final.
enum class SessionStatus { kActive, kIssued, kVerified, kFailed, kCancelled };

std::string_view KindName(SessionKind k);
std::string_view StatusName(SessionStatus s);  // "active", "issued", …
std::optional<SessionStatus> ParseStatus(std::string_view name);

struct Session {
  std::string id;
  SessionKind kind = SessionKind::kJumpstart;
  SessionStatus status = SessionStatus::kActive;
  std::string org_id;        // jumpstart: the org; auth0: the tenant domain (iss)
  std::string request_id;    // jumpstart RequestId
  std::string redirect_url;  // verified against the org's registered list
  std::string mscv;
  std::string subject;      // auth0: inbound sub
  std::string auth0_state;  // auth0: opaque state, byte for byte
  int64_t created_at = 0;
  int64_t expires_at = 0;
  int64_t ended_at = 0;
};

// The identity record a session proves: owner = org id (Auth0: tenant domain),
// name = jumpstart RequestId (Auth0: the inbound sub).
std::pair<std::string, std::string> RecordKeyFor(const Session& session);

struct OpenedSession {
  Session session;
  std::string cookie;  // the secret for the Set-Cookie header; never stored
};

struct NewSession {
  SessionKind kind = SessionKind::kJumpstart;
  std::string org_id;
  std::string request_id;
  std::string redirect_url;
  std::string mscv;
  std::string subject;
  std::string auth0_state;
  // The one-time key claimed with the session: (scope, key) must never have
  // been claimed before. Jumpstart: (org, RequestId); Auth0: (iss, the token's digest).
  std::string claim_scope;
  std::string claim_key;
  int64_t claim_expires_at = 0;  // when the token itself expires
  int64_t ttl_seconds = 3600;
};

// Why SessionStore::Open opened nothing.
enum class OpenError {
  kReplayed,  // the one-time key was claimed before
  kStorage,   // the database failed; the message says how
};
using OpenFailure = common::Failure<OpenError>;

// Why SessionStore::Authenticate gave no session; Code() and HttpStatus() are
// what a session page answers.
enum class SessionError {
  kNotFound,     // "session_not_found" 404
  kForbidden,    // "session_forbidden" 403: the cookie is not the session's
  kExpired,      // "session_expired" 410
  kStorage,      // "db_error" 410: the store failed
  kUnavailable,  // "storage_unavailable" 503: the database cannot be reached (retry)
};
using SessionFailure = common::Failure<SessionError>;
std::string_view Code(SessionError e);
int HttpStatus(SessionError e);

class SessionStore {
 public:
  SessionStore(common::Database& db, const common::Clock& clock) : db_(db), clock_(clock) {}

  // Creates or migrates the tables (component "issuer_sessions") and readies
  // the one-time claims (one_time_claims.h): on SQLite this Database then
  // holds the file ("database_in_use" when another does). Before the first
  // Open(), once per Database. Throws nothing; Status.
  static common::Status Prepare(common::Database& db);

  // Claims the one-time key and creates the session atomically and durably.
  // kReplayed when the key was claimed before (also under concurrent
  // submission, and after a restart).
  using OpenDone = std::function<void(common::Result<OpenedSession, OpenFailure>)>;
  // Queues the claim and returns at once; `done` runs on the database's writer
  // thread once it is durable or refused, so it must not block.
  void OpenAsync(const NewSession& request, OpenDone done);
  // OpenAsync() and wait, for callers that may block.
  common::Result<OpenedSession, OpenFailure> Open(const NewSession& request);

  // "session_not_found" when unknown.
  common::Result<Session> Get(const std::string& id) const;
  // The session when `cookie` is its secret and it has not expired; else
  // kNotFound, kForbidden, kExpired (or kStorage).
  common::Result<Session, SessionFailure> Authenticate(const std::string& id,
                                                       std::string_view cookie) const;
  // Authenticate() for a coroutine: the read runs on a reader thread, where
  // the coroutine resumes.
  common::Task<common::Result<Session, SessionFailure>> AuthenticateTask(std::string id,
                                                                         std::string cookie) const;

  // Moves an active session to a terminal status. Idempotent for the same
  // status; "session_ended" if it already ended otherwise.
  common::Result<Session> Finish(const std::string& id, SessionStatus status);

  // Deletes one-time claims whose token can no longer be accepted anyway (its
  // exp is more than `claim_grace_seconds` past: the skew plus a margin), and
  // sessions that expired more than `session_retention_seconds` ago. Returns
  // how many rows went.
  common::Result<int64_t> Prune(int64_t claim_grace_seconds = 600,
                                int64_t session_retention_seconds = 30 * 86400);
  // The same inside the caller's transaction, at `now` (the retention job).
  static common::Result<int64_t> Prune(common::Connection& conn, int64_t now,
                                       int64_t claim_grace_seconds,
                                       int64_t session_retention_seconds);

 private:
  common::Database& db_;
  const common::Clock& clock_;
};

}  // namespace vc::issuer
