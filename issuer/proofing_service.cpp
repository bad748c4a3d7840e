#include "issuer/proofing_service.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <stdexcept>

#include "common/base/json.h"
#include "common/base/log.h"
#include "common/base/metrics.h"
#include "issuer/verdict_check.h"

namespace vc::issuer {
using common::Connection;
using common::Error;
using common::Result;
using common::Status;

namespace {

constexpr size_t kMaxNameBytes = 100;
constexpr size_t kMaxNumberBytes = 64;

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

bool HasControl(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

ProofingStatus CheckFields(const ClaimedIdentity& c) {
  constexpr auto kInvalid = ProofingError::kInvalidInput;
  if (c.real_name.empty() || c.id_card_type.empty() || c.id_card_number.empty()) {
    return Refusal(kInvalid, "Real name, ID card type and ID card number are all required.");
  }
  if (c.real_name.size() > kMaxNameBytes || HasControl(c.real_name)) {
    return Refusal(kInvalid, "The real name is too long or has characters we cannot accept.");
  }
  if (!IsKnownIdCardType(c.id_card_type)) {
    return Refusal(kInvalid, "Choose an ID card type from the list.");
  }
  if (c.id_card_number.size() > kMaxNumberBytes || HasControl(c.id_card_number)) {
    return Refusal(kInvalid, "The ID card number is too long or has characters we cannot accept.");
  }
  return ProofingStatus::Ok();
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

ProofingService::ProofingService(ProofingServiceOptions options,
                                 std::map<std::string, std::shared_ptr<ProofingProvider>> providers,
                                 common::Database& db, const IdentityCrypto& crypto,
                                 const common::Clock& clock)
    : options_(std::move(options)),
      providers_(std::move(providers)),
      db_(db),
      clock_(clock),
      attempts_(db, clock, crypto),
      identities_(crypto),
      audit_(db, clock),
      callbacks_(&(options_.metrics ? *options_.metrics : common::MetricsRegistry::Global())
                      .AddCounter("vc_provider_callbacks_total",
                                  "Provider callbacks received, by provider and outcome "
                                  "(only accepted ones are audited)",
                                  {"provider", "outcome"})) {
  // Every provider's verified and failed verdicts read 0 before the first check.
  for (const auto& [name, p] : providers_) {
    for (auto outcome :
         {ProofingOutcome::kVerified, ProofingOutcome::kRejected, ProofingOutcome::kError}) {
      VerdictFamily().With({name, std::string(OutcomeName(outcome))});
    }
  }
  for (const auto& [name, p] : providers_) {
    if (options_.production && p->IsSandbox()) {
      throw std::invalid_argument("proofing provider '" + name +
                                  "' is a sandbox and environment is production");
    }
  }
}

ProofingProvider* ProofingService::Provider(const std::string& name) const {
  auto it = providers_.find(name);
  return it == providers_.end() ? nullptr : it->second.get();
}

bool ProofingService::IsSandbox(const std::string& name) const {
  auto* p = Provider(name);
  return p && p->IsSandbox();
}

common::Result<std::optional<ProofingAttempt>> ProofingService::LatestAttempt(
    const std::string& session_id) const {
  return attempts_.LatestForSession(session_id);
}

common::Result<std::optional<IdentityRecord>> ProofingService::VerifiedRecord(
    const std::string& owner, const std::string& name) const {
  std::optional<IdentityRecord> record;
  Status st = db_.Read([&](Connection& conn) {
    auto r = identities_.Get(conn, owner, name);
    if (!r) return Status(r.error());
    if (r->has_value() && (*r)->verified) record = std::move(*r);
    return Status::Ok();
  });
  if (!st) return st.error();
  return record;
}

Status ProofingService::Refuse(const SubmitRequest& r, ProofingError reason) {
  auto logged = audit_.Append({0, 0, r.caller, r.owner + "/" + r.name, "proofing_start", "refused",
                               r.provider, "", r.mscv, std::string(Code(reason))});
  if (!logged) return logged.error();
  return Status::Ok();
}

ProofingResult<ProofingAttempt> ProofingService::Begin(const SubmitRequest& r) {
  std::optional<ProofingError> refusal;
  ProofingAttempt draft;
  draft.session_id = r.session_id;
  draft.owner = r.owner;
  draft.name = r.name;
  draft.provider = r.provider;
  draft.claimed = r.claimed;
  // One transaction: no second check of the record can start, and no change
  // of its fields land, between the checks below and the attempt's snapshot.
  // The record's row is locked (read for update, or written) before pending
  // checks are looked for, so that concurrent submissions on several
  // instances see each other's attempt.
  Status saved = db_.Transaction([&](Connection& conn) {
    refusal.reset();
    auto existing = identities_.Get(conn, r.owner, r.name, true);
    if (!existing) return Status(existing.error());
    if (existing->has_value() && (*existing)->verified) {
      refusal = ProofingError::kAlreadyVerified;
      return Status::Ok();
    }
    Status st = identities_.SaveClaimed(conn, r.owner, r.name, r.claimed, clock_.NowSeconds());
    if (!st) return st;
    auto pending = AttemptStore::HasPending(conn, r.owner, r.name);
    if (!pending) return Status(pending.error());
    if (*pending) {  // undoes SaveClaimed: the fields under check stay as they are
      return Status(common::Error{"check_pending", "a check of this identity is under way"});
    }
    auto created = attempts_.Create(conn, draft);
    if (!created) return Status(created.error());
    draft = std::move(*created);
    return Status::Ok();
  });
  if (!saved) {
    ProofingFailure failed = FromLower(saved.error());
    if (failed.reason != ProofingError::kIdentityLocked &&
        failed.reason != ProofingError::kCheckPending) {
      return failed;
    }
    refusal = failed.reason;
  }
  if (!refusal) return draft;
  (void)Refuse(r, *refusal);
  switch (*refusal) {
    case ProofingError::kAlreadyVerified:
      return Refusal(*refusal, "the identity is already verified");
    case ProofingError::kCheckPending:
      return Refusal(*refusal, "a check of this identity is under way; wait for its verdict");
    default:
      return Refusal(*refusal, "the identity fields are locked");
  }
}

ProofingResult<ProofingAttempt> ProofingService::Submit(const SubmitRequest& r) {
  ProofingProvider* provider = Provider(r.provider);
  if (!provider) return Refusal(ProofingError::kUnknownProvider, "no such proofing provider");
  if (ProofingStatus st = CheckFields(r.claimed); !st) return st.error();
  if (Status st = provider->Validate(r.claimed); !st) return FromLower(st.error());
  auto attempt = Begin(r);
  if (!attempt) return attempt.error();
  auto started = provider->Start({attempt->id, r.claimed, r.return_url,
                                  options_.public_base_url + "/callbacks/" + r.provider});
  (void)audit_.Append({0, 0, r.caller, Subject(*attempt), "proofing_start",
                       started ? "ok" : started.error().code, r.provider,
                       started ? started->reference : attempt->id, r.mscv, attempt->id});
  if (!started) {
    ProviderVerdict failed{ProofingOutcome::kError, started.error().code, {}, ""};
    (void)Apply(*attempt, failed, r.caller, r.mscv);
    return FromLower(started.error());
  }
  if (Status st = attempts_.SetReference(attempt->id, started->reference, started->redirect_url);
      !st) {
    return FromLower(st.error());
  }
  attempt->reference = started->reference;
  attempt->redirect_url = started->redirect_url;
  if (!started->redirect_url.empty()) return *attempt;
  return Lift(Apply(*attempt, started->verdict, r.caller, r.mscv));
}

Result<ProofingAttempt> ProofingService::Apply(const ProofingAttempt& attempt,
                                               const ProviderVerdict& v, const std::string& caller,
                                               const std::string& mscv) {
  if (!IsFinal(v.outcome)) return attempt;
  const int64_t now = clock_.NowSeconds();
  ProviderVerdict checked = v;
  bool recorded = false;  // this call finished the attempt (not someone else meanwhile)
  Status st = db_.Transaction([&](Connection& conn) {
    recorded = false;
    ClaimedIdentity locked = attempt.claimed;
    if (checked.outcome == ProofingOutcome::kVerified) {
      auto agreed = Checked(conn, attempt, checked, &locked);
      if (!agreed) return Status(agreed.error());
    }
    const ProviderVerdict& v = checked;
    auto changed = AttemptStore::Finish(conn, attempt.id, v.outcome, v.reason, now);
    if (!changed) return Status(changed.error());
    if (!*changed) return Status::Ok();  // finished by someone else meanwhile
    recorded = true;
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
  });
  if (!st) return st.error();
  if (recorded) CountVerdict(attempt.provider, checked.outcome);
  common::LogInfo("proofing_verdict", {{"attempt", attempt.id},
                                       {"provider", attempt.provider},
                                       {"outcome", OutcomeName(checked.outcome)},
                                       {"mscv", mscv}});
  return attempts_.Get(attempt.id);
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
  ProofingProvider* provider = Provider(name);
  if (!provider) {
    NotAudited(name, "unknown_provider", mscv, "");
    return Refusal(ProofingError::kUnknownProvider, "no such proofing provider");
  }
  const std::string caller = "provider:" + name;
  auto event = provider->AuthenticateCallback(in);
  if (!event) {
    NotAudited(name, "unauthenticated", mscv, event.error().code);
    return FromLower(event.error());
  }
  auto attempt = attempts_.FindByReference(name, event->reference);
  if (!attempt) {
    NotAudited(name, "unknown_reference", mscv, attempt.error().code);
    return FromLower(attempt.error());
  }
  if (!event->attempt_id.empty() && event->attempt_id != attempt->id) {
    NotAudited(name, "unauthenticated", mscv, "attempt_mismatch");
    return Refusal(ProofingError::kCallbackUnauthenticated,
                   "the callback does not belong to this attempt");
  }
  auto accepted = attempts_.AcceptEvent(attempt->id, event->event_id, event->sent_at_ms);
  if (!accepted) return FromLower(accepted.error());
  if (!*accepted) {
    NotAudited(name, "ignored", mscv, "repeated or stale event");
    return ProofingStatus::Ok();
  }
  callbacks_->With({name, "accepted"}).Inc();
  (void)audit_.Append({0, 0, caller, Subject(*attempt), "callback", "ok", name, attempt->reference,
                       mscv, event->status});
  if (options_.defer_callback_fetch) {
    if (auto q = attempts_.RequestFetch(attempt->id, caller); !q) return FromLower(q.error());
    if (options_.on_queued) options_.on_queued();
    return ProofingStatus::Ok();
  }
  auto refreshed = Refresh(attempt->id, caller);
  if (!refreshed) return refreshed.error();
  return ProofingStatus::Ok();
}

ProofingResult<ProofingAttempt> ProofingService::Refresh(const std::string& attempt_id,
                                                         const std::string& caller) {
  auto attempt = attempts_.Get(attempt_id);
  if (!attempt) return FromLower(attempt.error());
  if (IsFinal(attempt->outcome)) return *attempt;
  ProofingProvider* provider = Provider(attempt->provider);
  if (!provider) return Refusal(ProofingError::kUnknownProvider, "no such proofing provider");
  auto verdict = provider->Fetch(attempt->reference);
  if (!verdict && verdict.error().code == "attempt_not_found") {
    // The provider no longer knows the check (the sandbox forgets its checks
    // on a restart): no verdict will ever come, so the user may start again.
    return Lift(
        Apply(*attempt, {ProofingOutcome::kExpired, "provider_lost_check", {}, ""}, caller, ""));
  }
  if (!verdict) return FromLower(verdict.error());
  return Lift(Apply(*attempt, *verdict, caller, ""));
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
