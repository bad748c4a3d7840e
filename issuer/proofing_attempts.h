// Proofing attempts in the database: one row per Start, with the provider's
// reference once known, so that callbacks and polling find their attempt
// whichever instance handles them, and a restart loses nothing. Also owns the schema of the
// proofing component (attempts, identity records, audit log: component "issuer_proofing").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/base/clock.h"
#include "common/base/result.h"
#include "common/base/task.h"
#include "common/store/store.h"
#include "issuer/identity_crypto.h"
#include "issuer/proofing_provider.h"

namespace vc::issuer {

// Creates or upgrades every proofing table.
common::Status MigrateProofing(common::Database& db);

struct ProofingAttempt {
  std::string id;          // opaque, random
  std::string session_id;  // the intake session, "" for API-started checks
  std::string owner;       // the identity record it proves
  std::string name;
  // What the provider was given to check, frozen when the check started (the
  // number sealed like the record's): the verdict is compared with this and
  // this is what gets locked. Empty real_name for attempts stored before it
  // was kept (they fall back to the record).
  ClaimedIdentity claimed;
  std::string provider;   // configured provider name
  std::string reference;  // the provider's reference, "" until known
  ProofingOutcome outcome = ProofingOutcome::kPending;
  std::string reason;
  std::string redirect_url;  // async: where the browser was sent
  int64_t created_at = 0;
  int64_t updated_at = 0;
  int64_t last_event_ms = 0;  // newest callback's sent_at accepted
  std::string last_event_id;
  int polls_done = 0;  // scheduled polls made (by any instance)
};

class AttemptStore {
 public:
  AttemptStore(common::Database& db, const common::Clock& clock, const IdentityCrypto& crypto)
      : db_(db), clock_(clock), crypto_(crypto) {}

  // Inserts a new pending attempt with its `claimed` snapshot (id, created_at
  // filled in), inside the caller's transaction.
  common::Result<ProofingAttempt> Create(common::Connection& conn, ProofingAttempt attempt) const;
  // Records the provider's reference and redirect after Start.
  common::Status SetReference(const std::string& id, const std::string& reference,
                              const std::string& redirect_url);
  // "attempt_not_found" when unknown.
  common::Result<ProofingAttempt> Get(const std::string& id) const;
  common::Result<ProofingAttempt> FindByReference(const std::string& provider,
                                                  const std::string& reference) const;
  // The same steps on the connection a Database work is given (AwaitRead,
  // AwaitCommit): the methods above run these in a transaction of their own.
  common::Status SetReference(common::Connection& conn, const std::string& id,
                              const std::string& reference, const std::string& redirect_url) const;
  common::Result<ProofingAttempt> Get(common::Connection& conn, const std::string& id) const;
  common::Result<ProofingAttempt> FindByReference(common::Connection& conn,
                                                  const std::string& provider,
                                                  const std::string& reference) const;
  common::Result<bool> AcceptEvent(common::Connection& conn, const std::string& id,
                                   const std::string& event_id, int64_t sent_at_ms) const;
  static common::Status RequestFetch(common::Connection& conn, const std::string& id,
                                     const std::string& caller);
  // The lookups for a coroutine: each resumes on the reader thread that ran it.
  common::Task<common::Result<ProofingAttempt>> GetTask(std::string id) const;
  common::Task<common::Result<ProofingAttempt>> FindByReferenceTask(std::string provider,
                                                                    std::string reference) const;
  common::Task<common::Result<std::optional<ProofingAttempt>>> LatestForSessionTask(
      std::string session_id) const;
  // The newest attempt of a session, nullopt when none.
  common::Result<std::optional<ProofingAttempt>> LatestForSession(
      const std::string& session_id) const;
  // Pending attempts with a reference (for polling).
  common::Result<std::vector<ProofingAttempt>> Pending() const;
  // Attempts still pending that were created before `before` (with a
  // reference or not): abandoned or orphaned checks to expire.
  common::Result<std::vector<ProofingAttempt>> PendingSince(int64_t before) const;
  // True when a check of the record (owner, name) is pending: its fields are
  // frozen until the verdict (or the check's expiry).
  static common::Result<bool> HasPending(common::Connection& conn, const std::string& owner,
                                         const std::string& name);
  // Deletes final attempts last updated before `before` (retention); returns how many.
  static common::Result<int64_t> PruneFinal(common::Connection& conn, int64_t before);
  // Accepts a callback event when the attempt is still pending and the event
  // was sent after the last one accepted: a repeat (same sent_at) or an older
  // event returns false and changes nothing.
  common::Result<bool> AcceptEvent(const std::string& id, const std::string& event_id,
                                   int64_t sent_at_ms);
  // Takes poll number `polls_done` + 1 of a pending attempt: false when another
  // instance took it first (or the attempt is no longer pending).
  common::Result<bool> ClaimPoll(const std::string& id, int polls_done);
  // Asks for the verdict of a pending attempt to be fetched (a callback said it
  // is ready), by whichever instance's poller comes first.
  common::Status RequestFetch(const std::string& id, const std::string& caller);
  // The fetches asked for, each given to one caller only: (attempt id, caller).
  common::Result<std::vector<std::pair<std::string, std::string>>> ClaimFetches();
  // Moves a pending attempt to a final outcome inside the caller's
  // transaction. false when it was no longer pending (someone else finished it).
  static common::Result<bool> Finish(common::Connection& conn, const std::string& id,
                                     ProofingOutcome outcome, const std::string& reason,
                                     int64_t now);

 private:
  common::Result<std::optional<ProofingAttempt>> QueryOne(
      const std::string& sql, const std::vector<std::string>& args) const;
  common::Result<std::optional<ProofingAttempt>> QueryOne(
      common::Connection& conn, const std::string& sql, const std::vector<std::string>& args) const;
  common::Result<std::vector<ProofingAttempt>> QueryAll(const std::string& sql,
                                                        std::optional<int64_t> arg) const;
  ProofingAttempt FromRow(const common::Statement& st) const;
  common::Database& db_;
  const common::Clock& clock_;
  const IdentityCrypto& crypto_;
};

}  // namespace vc::issuer
