// The proofing flow as a service (no HTTP): validate the claimed identity,
// record it, start the provider, and apply verdicts from a synchronous start,
// an authenticated callback or polling. A verified verdict marks the identity
// record verified (which locks it). Every step writes an audit entry in the
// same transaction as the change it records.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/base/clock.h"
#include "common/base/metrics.h"
#include "common/base/task.h"
#include "common/store/store.h"
#include "issuer/audit_log.h"
#include "issuer/identity_records.h"
#include "issuer/proofing_attempts.h"
#include "issuer/proofing_error.h"
#include "issuer/proofing_provider.h"

namespace vc::issuer {

struct ProofingServiceOptions {
  std::string public_base_url;  // for provider callback and return URLs
  bool production = false;      // refuses sandbox providers
  // Jumio-style polling when no callback arrives: seconds after the start.
  std::vector<int64_t> poll_schedule = {40, 60, 100, 160, 240, 340, 460, 600, 760, 940};
  // Answer callbacks once recorded and fetch the verdict later (ProcessQueued),
  // so providers get their 200 quickly. `on_queued` wakes whoever processes.
  bool defer_callback_fetch = false;
  std::function<void()> on_queued;
  // A check still pending this long after its start is abandoned: it expires
  // (PollDue), which unfreezes the record so the user can start again.
  int64_t max_pending_seconds = 3600;
  common::MetricsRegistry* metrics = nullptr;  // nullptr = MetricsRegistry::Global()
};

struct SubmitRequest {
  std::string session_id;  // "" for API-started checks
  std::string owner;       // the identity record
  std::string name;
  std::string provider;  // configured provider name
  ClaimedIdentity claimed;
  std::string caller;  // for the audit log ("session:<id>", "apikey:<id>")
  std::string mscv;
  std::string return_url;  // async: where the provider sends the browser back
};

class ProofingService {
 public:
  // Throws std::invalid_argument when a sandbox provider is given in production.
  ProofingService(ProofingServiceOptions options,
                  std::map<std::string, std::shared_ptr<ProofingProvider>> providers,
                  common::Database& db, const IdentityCrypto& crypto, const common::Clock& clock);

  // For servers on port 0: the public URL is known only once listening. Call
  // before the first request.
  void SetPublicBaseUrl(std::string url) { options_.public_base_url = std::move(url); }

  ProofingProvider* Provider(const std::string& name) const;  // nullptr when unknown
  bool IsSandbox(const std::string& name) const;

  // Validates (nothing stored on kInvalidInput), saves the claimed fields
  // (kIdentityLocked / kAlreadyVerified refused, and kCheckPending while
  // another check of the record is pending), creates the attempt with a
  // snapshot of those fields and starts the provider. A sync verdict is
  // applied before returning. A verified verdict is checked against the
  // snapshot (verdict_check.h: a disagreement is kMismatch) and locks the
  // snapshot's values, whatever the record says meanwhile.
  // Fails with kInvalidInput, kUnknownProvider, kAlreadyVerified,
  // kIdentityLocked, kCheckPending, kProviderUnavailable, kProviderError,
  // kStorageUnavailable or kInternal.
  // Waits for SubmitTask(), running the provider's start on this thread.
  ProofingResult<ProofingAttempt> Submit(const SubmitRequest& request);
  // Submit() for a coroutine: the storage steps commit with their batches and
  // no thread waits for them; the provider's start (an outbound call) runs on
  // `blocking`.
  common::Task<ProofingResult<ProofingAttempt>> SubmitTask(SubmitRequest request,
                                                           common::Executor blocking);

  // An inbound callback for `provider`: authenticated, deduplicated, then the
  // verdict is fetched from the provider (never taken from the body). Only an
  // accepted event is audited; refused, unknown and repeated ones are logged
  // and counted (vc_provider_callbacks_total{provider,outcome}).
  // Fails with kUnknownProvider, kCallbackUnauthenticated, kAttemptNotFound,
  // kInvalidCallback, or what fetching the verdict met. Ok also for duplicates
  // and stale events (nothing changes).
  // Waits for HandleCallbackTask(), running its provider calls on this thread.
  ProofingStatus HandleCallback(const std::string& provider, const CallbackInput& in,
                                const std::string& mscv);
  // HandleCallback() for a coroutine: lookups on a reader thread, changes
  // committed with their batches; fetching the verdict (an outbound call,
  // without defer_callback_fetch) runs on `blocking`.
  common::Task<ProofingStatus> HandleCallbackTask(std::string provider, CallbackInput in,
                                                  std::string mscv, common::Executor blocking);

  // Fetches the verdicts of callbacks accepted with defer_callback_fetch (by
  // any instance: the request is in the attempt's row); returns how many were
  // processed.
  int ProcessQueued();

  // Fetches and applies the verdict of a pending attempt (polling fallback).
  ProofingResult<ProofingAttempt> Refresh(const std::string& attempt_id, const std::string& caller);
  // Refresh() for a coroutine: the fetch from the provider runs on `blocking`.
  common::Task<ProofingResult<ProofingAttempt>> RefreshTask(std::string attempt_id,
                                                            std::string caller,
                                                            common::Executor blocking);
  // Polls every pending attempt whose next scheduled poll time has passed,
  // expiring those whose schedule ran out or that are older than
  // max_pending_seconds; returns how many were polled. Driven by a timer or a
  // test. With several instances each scheduled poll is made by one of them
  // (AttemptStore::ClaimPoll).
  int PollDue();
  // At startup: expires pending checks no verdict can reach any more (no
  // provider reference yet, or a provider that forgets its checks on a
  // restart, like the sandbox), so their users can start again. Returns how many.
  int ExpireForgotten();

  // The newest attempt of a session; nullopt when it has none.
  common::Result<std::optional<ProofingAttempt>> LatestAttempt(const std::string& session_id) const;
  // LatestAttempt() for a coroutine: resumes on the reader thread that read it.
  common::Task<common::Result<std::optional<ProofingAttempt>>> LatestAttemptTask(
      std::string session_id) const;
  // The identity record (owner, name) once it is verified; nullopt while it is
  // not (or does not exist). What issuance offers claims from.
  common::Result<std::optional<IdentityRecord>> VerifiedRecord(const std::string& owner,
                                                               const std::string& name) const;

 private:
  // Waits for ApplyTask() (for the pollers).
  common::Result<ProofingAttempt> Apply(const ProofingAttempt& attempt, const ProviderVerdict& v,
                                        const std::string& caller, const std::string& mscv);
  // Records a final verdict (with its audit entries, and the lock of a verified
  // record) in one commit; the attempt as it is then.
  common::Task<common::Result<ProofingAttempt>> ApplyTask(ProofingAttempt attempt,
                                                          ProviderVerdict v, std::string caller,
                                                          std::string mscv);
  // ApplyTask()'s transaction: sets *checked (the verdict as recorded) and
  // *recorded (this work finished the attempt), afresh on every run.
  common::Database::Work ApplyWork(const ProofingAttempt& attempt, const ProviderVerdict& v,
                                   const std::string& caller, const std::string& mscv, int64_t now,
                                   ProviderVerdict* checked, bool* recorded) const;
  // Records the claimed fields and creates the attempt with their snapshot,
  // unless the record is verified or being checked (refusal audited).
  common::Task<ProofingResult<ProofingAttempt>> BeginTask(const SubmitRequest& r);
  // BeginTask()'s transaction: sets *created, or *refusal.
  common::Database::Work BeginWork(const SubmitRequest& r, ProofingAttempt* created,
                                   std::optional<ProofingError>* refusal) const;
  // A verified verdict against what the attempt checked: sets `locked` to the
  // fields to lock and turns the verdict into kMismatch when they disagree.
  common::Status Checked(common::Connection& conn, const ProofingAttempt& attempt,
                         ProviderVerdict& verdict, ClaimedIdentity* locked) const;
  // Zero series of vc_proofing_verdicts_total for every provider.
  void RegisterVerdictSeries() const;
  int ExpireAbandoned();
  void NotAudited(const std::string& provider, const std::string& outcome, const std::string& mscv,
                  const std::string& detail);

  ProofingServiceOptions options_;
  std::map<std::string, std::shared_ptr<ProofingProvider>> providers_;
  common::Database& db_;
  const common::Clock& clock_;
  AttemptStore attempts_;
  IdentityStore identities_;
  AuditLog audit_;
  common::CounterFamily* callbacks_;  // vc_provider_callbacks_total{provider,outcome}
};

}  // namespace vc::issuer
