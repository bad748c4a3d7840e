#include "issuer/proofing_service.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <stdexcept>

#include "common/base/json.h"
#include "common/base/log.h"
#include "common/base/metrics.h"

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

// Lower-cased words of a name, sorted, so "KOVALENKO Olena" equals "Olena Kovalenko".
std::vector<std::string> NameWords(const std::string& name) {
  std::vector<std::string> words(1);
  for (unsigned char c : name) {
    if (std::isalnum(c) || c >= 0x80)
      words.back() += static_cast<char>(std::tolower(c));
    else if (!words.back().empty())
      words.emplace_back();
  }
  if (words.back().empty()) words.pop_back();
  std::sort(words.begin(), words.end());
  return words;
}

// Extracted claims (Jumio) must agree with what the user claimed: the name,
// and for a PRC ID the date of birth embedded in the number.
bool ClaimsAgree(const ClaimedIdentity& claimed, const std::map<std::string, std::string>& x) {
  auto first = x.find("firstName"), last = x.find("lastName");
  if (first != x.end() && last != x.end() &&
      NameWords(first->second + " " + last->second) != NameWords(claimed.real_name)) {
    return false;
  }
  auto dob = x.find("dateOfBirth");
  if (dob != x.end() && claimed.id_card_type == "PRC_ID" && claimed.id_card_number.size() == 18) {
    std::string digits = dob->second;
    digits.erase(std::remove(digits.begin(), digits.end(), '-'), digits.end());
    if (digits != claimed.id_card_number.substr(6, 8)) return false;
  }
  return true;
}

}  // namespace

ProofingService::ProofingService(ProofingServiceOptions options,
                                 std::map<std::string, std::shared_ptr<ProofingProvider>> providers,
                                 common::Database& db, const IdentityCrypto& crypto,
                                 const common::Clock& clock)
    : options_(std::move(options)),
      providers_(std::move(providers)),
      db_(db),
      clock_(clock),
      attempts_(db, clock),
      identities_(crypto),
      audit_(db, clock) {
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

ProofingStatus ProofingService::SaveClaimed(const SubmitRequest& r) {
  std::optional<ProofingError> refusal;
  Status saved = db_.Transaction([&](Connection& conn) {
    auto existing = identities_.Get(conn, r.owner, r.name);
    if (!existing) return Status(existing.error());
    if (existing->has_value() && (*existing)->verified) {
      refusal = ProofingError::kAlreadyVerified;
      return Status::Ok();
    }
    return identities_.SaveClaimed(conn, r.owner, r.name, r.claimed, clock_.NowSeconds());
  });
  if (!saved) {
    ProofingFailure failed = FromLower(saved.error());
    if (failed.reason != ProofingError::kIdentityLocked) return failed;
    refusal = ProofingError::kIdentityLocked;
  }
  if (!refusal) return ProofingStatus::Ok();
  (void)Refuse(r, *refusal);
  return Refusal(*refusal, *refusal == ProofingError::kAlreadyVerified
                               ? "the identity is already verified"
                               : "the identity fields are locked");
}

ProofingResult<ProofingAttempt> ProofingService::Submit(const SubmitRequest& r) {
  ProofingProvider* provider = Provider(r.provider);
  if (!provider) return Refusal(ProofingError::kUnknownProvider, "no such proofing provider");
  if (ProofingStatus st = CheckFields(r.claimed); !st) return st.error();
  if (Status st = provider->Validate(r.claimed); !st) return FromLower(st.error());
  if (ProofingStatus st = SaveClaimed(r); !st) return st.error();
  ProofingAttempt draft;
  draft.session_id = r.session_id;
  draft.owner = r.owner;
  draft.name = r.name;
  draft.provider = r.provider;
  auto attempt = attempts_.Create(draft);
  if (!attempt) return FromLower(attempt.error());
  auto started = provider->Start({attempt->id, r.claimed, r.return_url,
                                  options_.public_base_url + "/callbacks/" + r.provider});
  (void)audit_.Append({0, 0, r.caller, Subject(*attempt), "proofing_start",
                       started ? "ok" : started.error().code, r.provider,
                       started ? started->reference : attempt->id, r.mscv, attempt->id});
  if (!started) {
    ProviderVerdict failed{ProofingOutcome::kError, started.error().code, {}};
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
    if (checked.outcome == ProofingOutcome::kVerified && !checked.claims.empty()) {
      auto record = identities_.Get(conn, attempt.owner, attempt.name);
      if (!record) return Status(record.error());
      if (record->has_value() && !ClaimsAgree((*record)->identity, checked.claims)) {
        checked.outcome = ProofingOutcome::kMismatch;
        checked.reason = "extracted_claims_mismatch";
      }
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
    Status marked = identities_.MarkVerified(conn, attempt.owner, attempt.name, attempt.provider,
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

ProofingStatus ProofingService::HandleCallback(const std::string& name, const CallbackInput& in,
                                               const std::string& mscv) {
  ProofingProvider* provider = Provider(name);
  if (!provider) return Refusal(ProofingError::kUnknownProvider, "no such proofing provider");
  const std::string caller = "provider:" + name;
  auto event = provider->AuthenticateCallback(in);
  if (!event) {
    (void)audit_.Append(
        {0, 0, caller, "", "callback", "unauthenticated", name, "", mscv, event.error().code});
    return FromLower(event.error());
  }
  auto attempt = attempts_.FindByReference(name, event->reference);
  if (!attempt) {
    (void)audit_.Append(
        {0, 0, caller, "", "callback", "unknown_reference", name, event->reference, mscv, ""});
    return FromLower(attempt.error());
  }
  if (!event->attempt_id.empty() && event->attempt_id != attempt->id) {
    (void)audit_.Append({0, 0, caller, Subject(*attempt), "callback", "unauthenticated", name,
                         event->reference, mscv, "attempt_mismatch"});
    return Refusal(ProofingError::kCallbackUnauthenticated,
                   "the callback does not belong to this attempt");
  }
  auto accepted = attempts_.AcceptEvent(attempt->id, event->event_id, event->sent_at_ms);
  if (!accepted) return FromLower(accepted.error());
  (void)audit_.Append({0, 0, caller, Subject(*attempt), "callback", *accepted ? "ok" : "ignored",
                       name, attempt->reference, mscv, event->status});
  if (!*accepted) return ProofingStatus::Ok();
  if (options_.defer_callback_fetch) {
    {
      std::lock_guard lock(poll_mu_);
      queued_.emplace_back(attempt->id, caller);
    }
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
  if (!verdict) return FromLower(verdict.error());
  return Lift(Apply(*attempt, *verdict, caller, ""));
}

int ProofingService::ProcessQueued() {
  std::vector<std::pair<std::string, std::string>> batch;
  {
    std::lock_guard lock(poll_mu_);
    batch.swap(queued_);
  }
  for (const auto& [id, caller] : batch) {
    auto r = Refresh(id, caller);
    if (!r) common::LogWarn("proofing_fetch_failed", {{"attempt", id}, {"code", Code(r.error())}});
  }
  return static_cast<int>(batch.size());
}

int ProofingService::PollDue() {
  auto pending = attempts_.Pending();
  if (!pending) return 0;
  int polled = 0;
  const int64_t now = clock_.NowSeconds();
  for (const auto& a : *pending) {
    size_t done = 0;
    {
      std::lock_guard lock(poll_mu_);
      done = static_cast<size_t>(polls_done_[a.id]);
      if (done >= options_.poll_schedule.size() ||
          now - a.created_at < options_.poll_schedule[done]) {
        continue;
      }
      polls_done_[a.id] = static_cast<int>(done + 1);
    }
    ++polled;
    auto r = Refresh(a.id, "system:poll");
    if (r && !IsFinal(r->outcome) && done + 1 == options_.poll_schedule.size()) {
      (void)Apply(*r, {ProofingOutcome::kExpired, "poll_schedule_exhausted", {}}, "system:poll",
                  "");
    }
  }
  return polled;
}

}  // namespace vc::issuer
