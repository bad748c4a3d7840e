#include "issuer/proofing_attempts.h"

#include <array>

#include "common/base/crypto.h"
#include "common/store/store_await.h"

namespace vc::issuer {
using common::Connection;
using common::Error;
using common::Result;
using common::Status;

namespace {

constexpr std::array<std::string_view, 8> kOutcomeNames = {
    "pending", "verified", "rejected", "mismatch", "no_record", "needs_review", "expired", "error"};

constexpr const char* kColumns =
    "SELECT id, session_id, owner, name, provider, reference, outcome, reason, redirect_url, "
    "created_at, updated_at, last_event_ms, last_event_id, polls_done, claimed_name, "
    "claimed_type, claimed_number_enc FROM proofing_attempts ";

constexpr const char* kLatestForSession =
    "WHERE session_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1";

// The snapshot's number is sealed to its attempt, as a record's is to the record.
std::string SnapshotAad(const std::string& attempt_id) { return "attempt:" + attempt_id; }

}  // namespace

ProofingAttempt AttemptStore::FromRow(const common::Statement& st) const {
  ProofingAttempt a;
  a.id = st.ColumnText(0);
  a.session_id = st.ColumnText(1);
  a.owner = st.ColumnText(2);
  a.name = st.ColumnText(3);
  a.provider = st.ColumnText(4);
  a.reference = st.ColumnText(5);
  if (!ParseOutcome(st.ColumnText(6), &a.outcome)) a.outcome = ProofingOutcome::kError;
  a.reason = st.ColumnText(7);
  a.redirect_url = st.ColumnText(8);
  a.created_at = st.ColumnInt64(9);
  a.updated_at = st.ColumnInt64(10);
  a.last_event_ms = st.ColumnInt64(11);
  a.last_event_id = st.ColumnText(12);
  a.polls_done = static_cast<int>(st.ColumnInt64(13));
  a.claimed.real_name = st.ColumnText(14);
  a.claimed.id_card_type = st.ColumnText(15);
  if (!a.claimed.real_name.empty()) {
    // An unreadable snapshot leaves the number empty: it then agrees with nothing.
    auto number = crypto_.Decrypt(st.ColumnBlob(16), SnapshotAad(a.id));
    if (number) a.claimed.id_card_number = std::move(*number);
  }
  return a;
}

std::string_view OutcomeName(ProofingOutcome o) { return kOutcomeNames[static_cast<size_t>(o)]; }

bool ParseOutcome(std::string_view name, ProofingOutcome* out) {
  for (size_t i = 0; i < kOutcomeNames.size(); ++i) {
    if (kOutcomeNames[i] == name) {
      *out = static_cast<ProofingOutcome>(i);
      return true;
    }
  }
  return false;
}

bool IsFinal(ProofingOutcome o) { return o != ProofingOutcome::kPending; }

bool IsKnownIdCardType(std::string_view t) {
  return t == "PRC_ID" || t == "PASSPORT" || t == "ID_CARD" || t == "DRIVING_LICENSE";
}

Result<ProofingAttempt> AttemptStore::Create(Connection& conn, ProofingAttempt a) const {
  a.id = "pa_" + common::RandomId(16);
  a.created_at = a.updated_at = clock_.NowSeconds();
  a.outcome = ProofingOutcome::kPending;
  auto sealed = crypto_.Encrypt(a.claimed.id_card_number, SnapshotAad(a.id));
  if (!sealed) return sealed.error();
  auto ins = conn.Cached(
      "INSERT INTO proofing_attempts(id, session_id, owner, name, provider, outcome, "
      "created_at, updated_at, claimed_name, claimed_type, claimed_number_enc) "
      "VALUES(?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)");
  if (!ins) return ins.error();
  Status st = ins->BindText(1, a.id)
                  .BindText(2, a.session_id)
                  .BindText(3, a.owner)
                  .BindText(4, a.name)
                  .BindText(5, a.provider)
                  .BindInt64(6, a.created_at)
                  .BindInt64(7, a.updated_at)
                  .BindText(8, a.claimed.real_name)
                  .BindText(9, a.claimed.id_card_type)
                  .BindBlob(10, *sealed)
                  .Run();
  if (!st) return st.error();
  return a;
}

Status AttemptStore::SetReference(Connection& conn, const std::string& id,
                                  const std::string& reference,
                                  const std::string& redirect_url) const {
  auto up = conn.Cached(
      "UPDATE proofing_attempts SET reference = ?, redirect_url = ?, updated_at = ? "
      "WHERE id = ?");
  if (!up) return Status(up.error());
  return up->BindText(1, reference)
      .BindText(2, redirect_url)
      .BindInt64(3, clock_.NowSeconds())
      .BindText(4, id)
      .Run();
}

Status AttemptStore::SetReference(const std::string& id, const std::string& reference,
                                  const std::string& redirect_url) {
  return db_.Transaction(
      [&](Connection& conn) { return SetReference(conn, id, reference, redirect_url); });
}

Result<std::optional<ProofingAttempt>> AttemptStore::QueryOne(
    Connection& conn, const std::string& sql, const std::vector<std::string>& args) const {
  auto q = conn.Cached(kColumns + sql);
  if (!q) return q.error();
  for (size_t i = 0; i < args.size(); ++i) q->BindText(static_cast<int>(i + 1), args[i]);
  auto row = q->Step();
  if (!row) return row.error();
  if (!*row) return std::optional<ProofingAttempt>();
  return std::optional<ProofingAttempt>(FromRow(*q));
}

Result<std::optional<ProofingAttempt>> AttemptStore::QueryOne(
    const std::string& sql, const std::vector<std::string>& args) const {
  Result<std::optional<ProofingAttempt>> found = std::optional<ProofingAttempt>();
  Status st = db_.Read([&](Connection& conn) {
    found = QueryOne(conn, sql, args);
    return found ? Status::Ok() : Status(found.error());
  });
  if (!st) return st.error();
  return found;
}

namespace {

Result<ProofingAttempt> Found(Result<std::optional<ProofingAttempt>> a) {
  if (!a) return a.error();
  if (!a->has_value()) return Error{"attempt_not_found", "no such proofing attempt"};
  return std::move(**a);
}

// `find` (one of the lookups on a Connection) in a read of its own.
template <typename Find>
Result<ProofingAttempt> ReadOne(common::Database& db, Find find) {
  Result<ProofingAttempt> out = Error{"attempt_not_found", "no such proofing attempt"};
  Status st = db.Read([&](Connection& conn) {
    out = find(conn);
    return Status::Ok();
  });
  if (!st) return st.error();
  return out;
}

}  // namespace

Result<ProofingAttempt> AttemptStore::Get(Connection& conn, const std::string& id) const {
  return Found(QueryOne(conn, "WHERE id = ?", {id}));
}

Result<ProofingAttempt> AttemptStore::Get(const std::string& id) const {
  return ReadOne(db_, [&](Connection& conn) { return Get(conn, id); });
}

Result<ProofingAttempt> AttemptStore::FindByReference(Connection& conn, const std::string& provider,
                                                      const std::string& reference) const {
  if (reference.empty()) return Error{"attempt_not_found", "no such proofing attempt"};
  return Found(QueryOne(conn, "WHERE provider = ? AND reference = ?", {provider, reference}));
}

Result<ProofingAttempt> AttemptStore::FindByReference(const std::string& provider,
                                                      const std::string& reference) const {
  return ReadOne(db_, [&](Connection& conn) { return FindByReference(conn, provider, reference); });
}

Result<std::optional<ProofingAttempt>> AttemptStore::LatestForSession(
    const std::string& session_id) const {
  return QueryOne(kLatestForSession, {session_id});
}

namespace {

// `find` (a lookup on a Connection) on a reader thread, for a coroutine.
template <typename T, typename Find>
common::Task<Result<T>> ReadTask(common::Database& db, Find find) {
  Result<T> out = Error{"db_error", "not read"};
  // The frame outlives the read: the work may refer to its locals.
  Status st = co_await common::AwaitRead(db, [&](Connection& conn) {
    out = find(conn);
    return Status::Ok();
  });
  if (!st) co_return st.error();
  co_return out;
}

}  // namespace

common::Task<Result<ProofingAttempt>> AttemptStore::GetTask(std::string id) const {
  co_return co_await ReadTask<ProofingAttempt>(
      db_, [this, &id](Connection& conn) { return Get(conn, id); });
}

common::Task<Result<ProofingAttempt>> AttemptStore::FindByReferenceTask(
    std::string provider, std::string reference) const {
  co_return co_await ReadTask<ProofingAttempt>(
      db_, [&](Connection& conn) { return FindByReference(conn, provider, reference); });
}

common::Task<Result<std::optional<ProofingAttempt>>> AttemptStore::LatestForSessionTask(
    std::string session_id) const {
  co_return co_await ReadTask<std::optional<ProofingAttempt>>(
      db_, [&](Connection& conn) { return QueryOne(conn, kLatestForSession, {session_id}); });
}

Result<std::vector<ProofingAttempt>> AttemptStore::QueryAll(const std::string& sql,
                                                            std::optional<int64_t> arg) const {
  std::vector<ProofingAttempt> out;
  Status st = db_.Read([&](Connection& conn) {
    auto q = conn.Cached(kColumns + sql);
    if (!q) return Status(q.error());
    if (arg) q->BindInt64(1, *arg);
    for (;;) {
      auto row = q->Step();
      if (!row) return Status(row.error());
      if (!*row) return Status::Ok();
      out.push_back(FromRow(*q));
    }
  });
  if (!st) return st.error();
  return out;
}

Result<std::vector<ProofingAttempt>> AttemptStore::Pending() const {
  return QueryAll("WHERE outcome = 'pending' AND reference != '' ORDER BY created_at",
                  std::nullopt);
}

Result<std::vector<ProofingAttempt>> AttemptStore::PendingSince(int64_t before) const {
  return QueryAll("WHERE outcome = 'pending' AND created_at < ? ORDER BY created_at", before);
}

Result<bool> AttemptStore::HasPending(Connection& conn, const std::string& owner,
                                      const std::string& name) {
  auto q = conn.Cached(
      "SELECT 1 FROM proofing_attempts WHERE owner = ? AND name = ? AND outcome = 'pending' "
      "LIMIT 1");
  if (!q) return q.error();
  q->BindText(1, owner).BindText(2, name);
  auto row = q->Step();
  if (!row) return row.error();
  return *row;
}

Result<int64_t> AttemptStore::PruneFinal(Connection& conn, int64_t before) {
  auto del =
      conn.Cached("DELETE FROM proofing_attempts WHERE outcome != 'pending' AND updated_at < ?");
  if (!del) return del.error();
  if (Status run = del->BindInt64(1, before).Run(); !run) return run.error();
  return conn.Changes();
}

// One conditional UPDATE: of events racing for one attempt, one is accepted.
Result<bool> AttemptStore::AcceptEvent(Connection& conn, const std::string& id,
                                       const std::string& event_id, int64_t sent_at_ms) const {
  auto up = conn.Cached(
      "UPDATE proofing_attempts SET last_event_ms = ?, last_event_id = ?, updated_at = ? "
      "WHERE id = ? AND outcome = 'pending' AND last_event_ms < ?");
  if (!up) return up.error();
  Status run = up->BindInt64(1, sent_at_ms)
                   .BindText(2, event_id)
                   .BindInt64(3, clock_.NowSeconds())
                   .BindText(4, id)
                   .BindInt64(5, sent_at_ms)
                   .Run();
  if (!run) return run.error();
  return conn.Changes() == 1;
}

Result<bool> AttemptStore::AcceptEvent(const std::string& id, const std::string& event_id,
                                       int64_t sent_at_ms) {
  bool accepted = false;
  Status st = db_.Transaction([&](Connection& conn) {
    auto r = AcceptEvent(conn, id, event_id, sent_at_ms);
    if (!r) return Status(r.error());
    accepted = *r;
    return Status::Ok();
  });
  if (!st) return st.error();
  return accepted;
}

Result<bool> AttemptStore::ClaimPoll(const std::string& id, int polls_done) {
  bool claimed = false;
  Status st = db_.Transaction([&](Connection& conn) {
    auto up = conn.Cached(
        "UPDATE proofing_attempts SET polls_done = polls_done + 1 "
        "WHERE id = ? AND polls_done = ? AND outcome = 'pending'");
    if (!up) return Status(up.error());
    Status run = up->BindText(1, id).BindInt64(2, polls_done).Run();
    claimed = run.ok() && conn.Changes() == 1;
    return run;
  });
  if (!st) return st.error();
  return claimed;
}

Status AttemptStore::RequestFetch(Connection& conn, const std::string& id,
                                  const std::string& caller) {
  auto up = conn.Cached(
      "UPDATE proofing_attempts SET fetch_caller = ? WHERE id = ? AND outcome = 'pending'");
  if (!up) return Status(up.error());
  return up->BindText(1, caller).BindText(2, id).Run();
}

Status AttemptStore::RequestFetch(const std::string& id, const std::string& caller) {
  return db_.Transaction([&](Connection& conn) { return RequestFetch(conn, id, caller); });
}

// The rows are locked while read (ForUpdate): a poller of another instance
// waits, then finds them claimed.
Result<std::vector<std::pair<std::string, std::string>>> AttemptStore::ClaimFetches() {
  std::vector<std::pair<std::string, std::string>> out;
  Status st = db_.Transaction([&](Connection& conn) {
    out.clear();
    auto q = conn.Cached(
        "SELECT id, fetch_caller FROM proofing_attempts WHERE fetch_caller != '' AND "
        "outcome = 'pending' ORDER BY id" +
        std::string(conn.ForUpdate()));
    if (!q) return Status(q.error());
    for (;;) {
      auto row = q->Step();
      if (!row) return Status(row.error());
      if (!*row) break;
      out.emplace_back(q->ColumnText(0), q->ColumnText(1));
    }
    auto up = conn.Cached("UPDATE proofing_attempts SET fetch_caller = '' WHERE id = ?");
    if (!up) return Status(up.error());
    for (const auto& [id, caller] : out) {
      if (Status r = up->BindText(1, id).Run(); !r) return r;
      up->Reset();
    }
    return Status::Ok();
  });
  if (!st) return st.error();
  return out;
}

Result<bool> AttemptStore::Finish(Connection& conn, const std::string& id, ProofingOutcome outcome,
                                  const std::string& reason, int64_t now) {
  auto up = conn.Cached(
      "UPDATE proofing_attempts SET outcome = ?, reason = ?, updated_at = ? "
      "WHERE id = ? AND outcome = 'pending'");
  if (!up) return up.error();
  Status run = up->BindText(1, OutcomeName(outcome))
                   .BindText(2, reason)
                   .BindInt64(3, now)
                   .BindText(4, id)
                   .Run();
  if (!run) return run.error();
  return conn.Changes() == 1;
}

}  // namespace vc::issuer
