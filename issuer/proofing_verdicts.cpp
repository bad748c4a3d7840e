// ProofingService's verdict side: recording a verdict, callbacks, fetching
// verdicts (on a callback, queued, or by polling) and expiring checks.
#include <optional>

#include "common/base/json.h"
#include "common/base/log.h"
#include "common/base/metrics.h"
#include "common/base/task_wait.h"
#include "common/store/store_await.h"
#include "issuer/proofing_service.h"
#include "issuer/verdict_check.h"

namespace vc::issuer {
using common::Connection;
using common::Error;
using common::Result;
using common::Status;

namespace {

// vc_proofing_verdicts_total{provider,outcome}: providers are the configured
// names and outcomes an enum, so the label set stays small.
common::CounterFamily& VerdictFamily() {
  static common::CounterFamily& family = common::MetricsRegistry::Global().AddCounter(
      "vc_proofing_verdicts_total", "Final proofing verdicts by provider and outcome",
      {"provider", "outcome"});
  return family;
}

void CountVerdict(const std::string& provider, ProofingOutcome outcome) {
  VerdictFamily().With({provider, std::string(OutcomeName(outcome))}).Inc();
}

std::string ClaimsJson(const std::map<std::string, std::string>& claims) {
  common::JsonWriter w;
  w->StartObject();
  for (const auto& [k, v] : claims) {
    w->Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
    w->String(v);
  }
  w->EndObject();
  return w.str();
}

std::string Subject(const ProofingAttempt& a) { return a.owner + "/" + a.name; }

}  // namespace

void ProofingService::RegisterVerdictSeries() const {
  // Every provider's verified and failed verdicts read 0 before the first check.
  for (const auto& [name, p] : providers_) {
    for (auto outcome :
         {ProofingOutcome::kVerified, ProofingOutcome::kRejected, ProofingOutcome::kError}) {
      VerdictFamily().With({name, std::string(OutcomeName(outcome))});
    }
  }
}

common::Database::Work ProofingService::ApplyWork(const ProofingAttempt& attempt,
                                                  const ProviderVerdict& verdict,
                                                  const std::string& caller,
                                                  const std::string& mscv, int64_t now,
                                                  ProviderVerdict* checked, bool* recorded) const {
  return [this, &attempt, &verdict, &caller, &mscv, now, checked, recorded](Connection& conn) {
    *checked = verdict;
    *recorded = false;  // this work finished the attempt (not someone else meanwhile)
    ClaimedIdentity locked = attempt.claimed;
    if (checked->outcome == ProofingOutcome::kVerified) {
      auto agreed = Checked(conn, attempt, *checked, &locked);
      if (!agreed) return Status(agreed.error());
    }
    const ProviderVerdict& v = *checked;
    auto changed = AttemptStore::Finish(conn, attempt.id, v.outcome, v.reason, now);
    if (!changed) return Status(changed.error());
    if (!*changed) return Status::Ok();  // finished by someone else meanwhile
    *recorded = true;
    auto logged = AuditLog::Append(
        conn,
        {0, 0, caller, Subject(attempt), "verdict", std::string(OutcomeName(v.outcome)),
         attempt.provider, attempt.reference, mscv, v.reason},
        now);
    if (!logged) return Status(logged.error());
    if (v.outcome != ProofingOutcome::kVerified) return Status::Ok();
    Status marked =
        identities_.MarkVerified(conn, attempt.owner, attempt.name, locked, attempt.provider,
                                 attempt.reference, ClaimsJson(v.claims), now);
    if (!marked) return marked;
    logged = AuditLog::Append(conn,
                              {0, 0, caller, Subject(attempt), "lock", "ok", attempt.provider,
                               attempt.reference, mscv, ""},
                              now);
    return logged ? Status::Ok() : Status(logged.error());
  };
}

Result<ProofingAttempt> ProofingService::Apply(const ProofingAttempt& attempt,
                                               const ProviderVerdict& v, const std::string& caller,
                                               const std::string& mscv) {
  return common::Wait(ApplyTask(attempt, v, caller, mscv));
}

common::Task<Result<ProofingAttempt>> ProofingService::ApplyTask(ProofingAttempt attempt,
                                                                 ProviderVerdict v,
                                                                 std::string caller,
                                                                 std::string mscv) {
  if (!IsFinal(v.outcome)) co_return attempt;
  ProviderVerdict checked = v;
  bool recorded = false;
  // The frame outlives the commit: the work may refer to its locals.
  Status st = co_await common::AwaitCommit(
      db_, ApplyWork(attempt, v, caller, mscv, clock_.NowSeconds(), &checked, &recorded));
  if (!st) co_return st.error();
  if (recorded) CountVerdict(attempt.provider, checked.outcome);
  common::LogInfo("proofing_verdict", {{"attempt", attempt.id},
                                       {"provider", attempt.provider},
                                       {"outcome", OutcomeName(checked.outcome)},
                                       {"mscv", mscv}});
  co_return co_await attempts_.GetTask(attempt.id);
}

Status ProofingService::Checked(Connection& conn, const ProofingAttempt& attempt,
                                ProviderVerdict& verdict, ClaimedIdentity* locked) const {
  if (attempt.claimed.real_name.empty()) {
    // An attempt from before snapshots were kept: the record is what it
    // checked. Locked: the fields compared are the fields the verdict locks.
    auto record = identities_.Get(conn, attempt.owner, attempt.name, true);
    if (!record) return record.error();
    if (record->has_value()) *locked = (*record)->identity;
  }
  std::string why = Disagreement(*locked, verdict);
  if (locked->real_name.empty() || locked->id_card_number.empty()) why = "snapshot_unreadable";
  if (!why.empty()) {
    verdict.outcome = ProofingOutcome::kMismatch;
    verdict.reason = why;
  }
  return Status::Ok();
}

// Callbacks anyone can send are logged and counted, never audited: the audit
// log keeps what authenticated parties did, and is append-only, so a flood of
// forged callbacks must not be able to grow it.
void ProofingService::NotAudited(const std::string& provider, const std::string& outcome,
                                 const std::string& mscv, const std::string& detail) {
  const std::string known = Provider(provider) ? provider : "unknown";
  callbacks_->With({known, outcome}).Inc();
  // A provider repeating itself is normal; anything else deserves a look.
  common::Logger::Global().Log(
      outcome == "ignored" ? common::LogLevel::kInfo : common::LogLevel::kWarn,
      "provider_callback_not_audited",
      {{"provider", known}, {"outcome", outcome}, {"detail", detail}, {"mscv", mscv}});
}

ProofingStatus ProofingService::HandleCallback(const std::string& name, const CallbackInput& in,
                                               const std::string& mscv) {
  return common::WaitServing<ProofingStatus>(
      [&](common::Executor here) { return HandleCallbackTask(name, in, mscv, std::move(here)); });
}

common::Task<ProofingStatus> ProofingService::HandleCallbackTask(std::string name, CallbackInput in,
                                                                 std::string mscv,
                                                                 common::Executor blocking) {
  ProofingProvider* provider = Provider(name);
  if (!provider) {
    NotAudited(name, "unknown_provider", mscv, "");
    co_return Refusal(ProofingError::kUnknownProvider, "no such proofing provider");
  }
  const std::string caller = "provider:" + name;
  auto event = provider->AuthenticateCallback(in);
  if (!event) {
    NotAudited(name, "unauthenticated", mscv, event.error().code);
    co_return FromLower(event.error());
  }
  auto attempt = co_await attempts_.FindByReferenceTask(name, event->reference);
  if (!attempt) {
    NotAudited(name, "unknown_reference", mscv, attempt.error().code);
    co_return FromLower(attempt.error());
  }
  if (!event->attempt_id.empty() && event->attempt_id != attempt->id) {
    NotAudited(name, "unauthenticated", mscv, "attempt_mismatch");
    co_return Refusal(ProofingError::kCallbackUnauthenticated,
                      "the callback does not belong to this attempt");
  }
  bool accepted = false;
  Status st = co_await common::AwaitCommit(db_, [&](Connection& conn) {
    auto r = attempts_.AcceptEvent(conn, attempt->id, event->event_id, event->sent_at_ms);
    if (!r) return Status(r.error());
    accepted = *r;
    return Status::Ok();
  });
  if (!st) co_return FromLower(st.error());
  if (!accepted) {
    NotAudited(name, "ignored", mscv, "repeated or stale event");
    co_return ProofingStatus::Ok();
  }
  callbacks_->With({name, "accepted"}).Inc();
  // Arguments are named before a co_await: GCC 12 frees a braced temporary
  // passed to a coroutine twice.
  const AuditEntry entry{0,          0,
                         caller,     Subject(*attempt),
                         "callback", "ok",
                         name,       attempt->reference,
                         mscv,       event->status};
  (void)co_await audit_.AppendTask(entry);
  if (options_.defer_callback_fetch) {
    Status queued = co_await common::AwaitCommit(db_, [&](Connection& conn) {
      return AttemptStore::RequestFetch(conn, attempt->id, caller);
    });
    if (!queued) co_return FromLower(queued.error());
    if (options_.on_queued) options_.on_queued();
    co_return ProofingStatus::Ok();
  }
  auto refreshed = co_await RefreshTask(attempt->id, caller, std::move(blocking));
  if (!refreshed) co_return refreshed.error();
  co_return ProofingStatus::Ok();
}

ProofingResult<ProofingAttempt> ProofingService::Refresh(const std::string& attempt_id,
                                                         const std::string& caller) {
  return common::WaitServing<ProofingResult<ProofingAttempt>>(
      [&](common::Executor here) { return RefreshTask(attempt_id, caller, std::move(here)); });
}

common::Task<ProofingResult<ProofingAttempt>> ProofingService::RefreshTask(
    std::string attempt_id, std::string caller, common::Executor blocking) {
  auto attempt = co_await attempts_.GetTask(attempt_id);
  if (!attempt) co_return FromLower(attempt.error());
  if (IsFinal(attempt->outcome)) co_return *attempt;
  ProofingProvider* provider = Provider(attempt->provider);
  if (!provider) co_return Refusal(ProofingError::kUnknownProvider, "no such proofing provider");
  // The provider is asked over HTTP: a call that blocks.
  auto verdict = co_await common::RunOn<Result<ProviderVerdict>>(
      std::move(blocking), [provider, &attempt] { return provider->Fetch(attempt->reference); });
  if (!verdict && verdict.error().code == "attempt_not_found") {
    // The provider no longer knows the check (the sandbox forgets its checks
    // on a restart): no verdict will ever come, so the user may start again.
    const ProviderVerdict lost{ProofingOutcome::kExpired, "provider_lost_check", {}, ""};
    co_return Lift(co_await ApplyTask(*attempt, lost, caller, ""));
  }
  if (!verdict) co_return FromLower(verdict.error());
  co_return Lift(co_await ApplyTask(*attempt, *verdict, caller, ""));
}

int ProofingService::ProcessQueued() {
  auto batch = attempts_.ClaimFetches();
  if (!batch) {
    common::LogWarn("proofing_fetch_failed", {{"code", batch.error().code}});
    return 0;
  }
  for (const auto& [id, caller] : *batch) {
    auto r = Refresh(id, caller);
    if (!r) common::LogWarn("proofing_fetch_failed", {{"attempt", id}, {"code", Code(r.error())}});
  }
  return static_cast<int>(batch->size());
}

int ProofingService::PollDue() {
  ExpireAbandoned();
  auto pending = attempts_.Pending();
  if (!pending) return 0;
  int polled = 0;
  const int64_t now = clock_.NowSeconds();
  for (const auto& a : *pending) {
    const size_t done = static_cast<size_t>(a.polls_done);
    if (done >= options_.poll_schedule.size() ||
        now - a.created_at < options_.poll_schedule[done]) {
      continue;
    }
    // Each scheduled poll is made once, by whichever instance claims it.
    auto claimed = attempts_.ClaimPoll(a.id, a.polls_done);
    if (!claimed || !*claimed) continue;
    ++polled;
    auto r = Refresh(a.id, "system:poll");
    if ((!r || !IsFinal(r->outcome)) && done + 1 == options_.poll_schedule.size()) {
      (void)Apply(r ? *r : a, {ProofingOutcome::kExpired, "poll_schedule_exhausted", {}, ""},
                  "system:poll", "");
    }
  }
  return polled;
}

int ProofingService::ExpireAbandoned() {
  auto stale = attempts_.PendingSince(clock_.NowSeconds() - options_.max_pending_seconds);
  if (!stale) return 0;
  for (const auto& a : *stale) {
    (void)Apply(a, {ProofingOutcome::kExpired, "check_abandoned", {}, ""}, "system:poll", "");
  }
  return static_cast<int>(stale->size());
}

int ProofingService::ExpireForgotten() {
  auto pending = attempts_.PendingSince(clock_.NowSeconds() + 1);
  if (!pending) return 0;
  int expired = 0;
  for (const auto& a : *pending) {
    ProofingProvider* p = Provider(a.provider);
    // Without a reference the provider's answer can never be matched to the
    // attempt; a provider that forgets its checks will never answer.
    if (!a.reference.empty() && p && p->KeepsChecksAcrossRestarts()) continue;
    (void)Apply(a, {ProofingOutcome::kExpired, "provider_lost_check", {}, ""}, "system:restart",
                "");
    ++expired;
  }
  return expired;
}

}  // namespace vc::issuer
