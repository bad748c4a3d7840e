#include "issuer/proofing_service.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <stdexcept>

#include "common/base/log.h"
#include "common/base/metrics.h"
#include "common/base/task_wait.h"
#include "common/store/store_await.h"

namespace vc::issuer {
using common::Connection;
using common::Error;
using common::Result;
using common::Status;

namespace {

constexpr size_t kMaxNameBytes = 100;
constexpr size_t kMaxNumberBytes = 64;

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
  RegisterVerdictSeries();
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

common::Task<common::Result<std::optional<ProofingAttempt>>> ProofingService::LatestAttemptTask(
    std::string session_id) const {
  return attempts_.LatestForSessionTask(std::move(session_id));
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

common::Database::Work ProofingService::BeginWork(const SubmitRequest& r, ProofingAttempt* created,
                                                  std::optional<ProofingError>* refusal) const {
  // One transaction: no second check of the record can start, and no change
  // of its fields land, between the checks below and the attempt's snapshot.
  // The record's row is locked (read for update, or written) before pending
  // checks are looked for, so that concurrent submissions on several
  // instances see each other's attempt.
  return [this, &r, created, refusal](Connection& conn) {
    refusal->reset();
    auto existing = identities_.Get(conn, r.owner, r.name, true);
    if (!existing) return Status(existing.error());
    if (existing->has_value() && (*existing)->verified) {
      *refusal = ProofingError::kAlreadyVerified;
      return Status::Ok();
    }
    Status st = identities_.SaveClaimed(conn, r.owner, r.name, r.claimed, clock_.NowSeconds());
    if (!st) return st;
    auto pending = AttemptStore::HasPending(conn, r.owner, r.name);
    if (!pending) return Status(pending.error());
    if (*pending) {  // undoes SaveClaimed: the fields under check stay as they are
      return Status(common::Error{"check_pending", "a check of this identity is under way"});
    }
    ProofingAttempt draft;
    draft.session_id = r.session_id;
    draft.owner = r.owner;
    draft.name = r.name;
    draft.provider = r.provider;
    draft.claimed = r.claimed;
    auto made = attempts_.Create(conn, std::move(draft));
    if (!made) return Status(made.error());
    *created = std::move(*made);
    return Status::Ok();
  };
}

common::Task<ProofingResult<ProofingAttempt>> ProofingService::BeginTask(const SubmitRequest& r) {
  std::optional<ProofingError> refusal;
  ProofingAttempt created;
  Status saved = co_await common::AwaitCommit(db_, BeginWork(r, &created, &refusal));
  if (!saved) {
    ProofingFailure failed = FromLower(saved.error());
    if (failed.reason != ProofingError::kIdentityLocked &&
        failed.reason != ProofingError::kCheckPending) {
      co_return failed;
    }
    refusal = failed.reason;
  }
  if (!refusal) co_return created;
  // Arguments are named before a co_await: GCC 12 frees a braced temporary
  // passed to a coroutine twice.
  const AuditEntry entry{
      0,          0,  r.caller, r.owner + "/" + r.name,     "proofing_start", "refused",
      r.provider, "", r.mscv,   std::string(Code(*refusal))};
  (void)co_await audit_.AppendTask(entry);
  switch (*refusal) {
    case ProofingError::kAlreadyVerified:
      co_return Refusal(*refusal, "the identity is already verified");
    case ProofingError::kCheckPending:
      co_return Refusal(*refusal, "a check of this identity is under way; wait for its verdict");
    default:
      co_return Refusal(*refusal, "the identity fields are locked");
  }
}

ProofingResult<ProofingAttempt> ProofingService::Submit(const SubmitRequest& r) {
  return common::WaitServing<ProofingResult<ProofingAttempt>>(
      [&](common::Executor here) { return SubmitTask(r, std::move(here)); });
}

common::Task<ProofingResult<ProofingAttempt>> ProofingService::SubmitTask(
    SubmitRequest r, common::Executor blocking) {
  ProofingProvider* provider = Provider(r.provider);
  if (!provider) co_return Refusal(ProofingError::kUnknownProvider, "no such proofing provider");
  if (ProofingStatus st = CheckFields(r.claimed); !st) co_return st.error();
  if (Status st = provider->Validate(r.claimed); !st) co_return FromLower(st.error());
  auto attempt = co_await BeginTask(r);
  if (!attempt) co_return attempt.error();
  const ProofingStart start{attempt->id, r.claimed, r.return_url,
                            options_.public_base_url + "/callbacks/" + r.provider};
  auto started = co_await common::RunOn<Result<StartResult>>(
      std::move(blocking), [provider, &start] { return provider->Start(start); });
  // Named before the co_await (GCC 12, above; and it mis-evaluates ?: in
  // the full-expression of a co_await).
  const AuditEntry entry{0,
                         0,
                         r.caller,
                         Subject(*attempt),
                         "proofing_start",
                         started ? "ok" : started.error().code,
                         r.provider,
                         started ? started->reference : attempt->id,
                         r.mscv,
                         attempt->id};
  (void)co_await audit_.AppendTask(entry);
  if (!started) {
    ProviderVerdict failed{ProofingOutcome::kError, started.error().code, {}, ""};
    (void)co_await ApplyTask(*attempt, failed, r.caller, r.mscv);
    co_return FromLower(started.error());
  }
  Status referenced = co_await common::AwaitCommit(db_, [&](Connection& conn) {
    return attempts_.SetReference(conn, attempt->id, started->reference, started->redirect_url);
  });
  if (!referenced) co_return FromLower(referenced.error());
  attempt->reference = started->reference;
  attempt->redirect_url = started->redirect_url;
  if (!started->redirect_url.empty()) co_return *attempt;
  co_return Lift(co_await ApplyTask(*attempt, started->verdict, r.caller, r.mscv));
}

}  // namespace vc::issuer
