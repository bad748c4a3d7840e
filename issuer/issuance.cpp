#include "issuer/issuance.h"

#include "common/base/base64url.h"
#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/base/log.h"
#include "common/base/metrics.h"
#include "common/base/task_wait.h"
#include "common/store/store_await.h"
#include "credentials/vc_jwt.h"
#include "issuer/audit_log.h"
#include "issuer/idv_claims.h"

namespace vc::issuer {
using common::Error;
using common::Result;

std::string RandomPin(int length) {
  std::string pin;
  while (static_cast<int>(pin.size()) < length) {
    for (unsigned char b : common::RandomBytes(16)) {
      if (b < 250 && static_cast<int>(pin.size()) < length)
        pin.push_back(static_cast<char>('0' + b % 10));
    }
  }
  return pin;
}

namespace {

void WriteStringMap(common::JsonWriter& w, const std::map<std::string, std::string>& values) {
  w->StartObject();
  for (const auto& [k, v] : values) {
    w.String(k);
    w.String(v);
  }
  w->EndObject();
}

void WritePin(common::JsonWriter& w, const std::string& pin) {
  // Spec §2.3: hashed as Base64(SHA-256(UTF-8(salt + pin))); the plain PIN never leaves.
  const std::string salt = common::Base64UrlEncode(common::RandomBytes(16));
  w->Key("pin");
  w->StartObject();
  w.Member("value", common::Base64Encode(common::Sha256(salt + pin)));
  w.Member("type", "numeric");
  w.Member("length", static_cast<int>(pin.size()));
  w.Member("salt", salt);
  w.Member("alg", "sha256");
  w.Member("iterations", 1);
  w->EndObject();
}

}  // namespace

std::map<std::string, std::string> AvailableClaims(const IdentityRecord& r) {
  std::map<std::string, std::string> out;
  if (auto doc = common::ParseJsonObject(r.claims_json)) {
    for (const auto& m : doc->GetObject()) {
      if (m.value.IsString()) out[m.name.GetString()] = m.value.GetString();
    }
  }
  out["realName"] = r.identity.real_name;
  out["idCardType"] = r.identity.id_card_type;
  out["idCardNumber"] = r.identity.id_card_number;
  AddIdvClaims(r.identity, out);
  out["provider"] = r.provider;
  if (r.verified_at > 0) out["verifiedAt"] = credentials::IsoTime(r.verified_at);
  return out;
}

ProofingResult<std::map<std::string, std::string>> ContractClaims(
    const credentials::ContractConfig& contract,
    const std::map<std::string, std::string>& available) {
  std::map<std::string, std::string> out;
  for (const auto& rule : contract.claims) {
    auto it = available.find(rule.input_claim);
    if (it != available.end() && !it->second.empty()) {
      out[rule.input_claim] = it->second;
    } else if (rule.required) {
      return Refusal(ProofingError::kMissingClaim,
                     "the identity record has no value for the required claim \"" +
                         rule.input_claim + "\" of contract " + contract.id);
    }
  }
  return out;
}

namespace {

// vc_issuances_total{outcome}: a credential reached the wallet ("issued") or the
// wallet reported an error ("failed"), counted once per request (the first
// terminal callback that changed it). Registered with the service.
struct IssuanceCounters {
  common::Counter& issued;
  common::Counter& failed;
};

IssuanceCounters& Counters() {
  static common::CounterFamily& family = common::MetricsRegistry::Global().AddCounter(
      "vc_issuances_total", "Issuance requests that ended, by outcome: issued or failed",
      {"outcome"});
  static IssuanceCounters counters{family.With({"issued"}), family.With({"failed"})};
  return counters;
}

void CountIssuance(IssuanceStatus status) {
  if (!IsTerminal(status)) return;
  (status == IssuanceStatus::kSuccessful ? Counters().issued : Counters().failed).Inc();
}

}  // namespace

IssuanceService::IssuanceService(IssuanceOptions options, credentials::RequestServiceClient& client,
                                 IssuanceStore& store, SessionStore& sessions, common::Database& db,
                                 const common::Clock& clock, OfferGate* gate)
    : options_(std::move(options)),
      client_(client),
      store_(store),
      sessions_(sessions),
      db_(db),
      clock_(clock),
      gate_(gate) {
  Counters();
}

ProofingResult<std::string> IssuanceService::OpenOffer(const IssuanceSubject& who,
                                                       std::string holder) {
  if (holder.empty()) holder = "og_" + common::RandomId(16);
  if (!gate_) return holder;
  auto opened = gate_->Open(who.owner + "/" + who.name, holder);
  if (!opened) return FromLower(opened.error());
  if (!*opened) return holder;
  const GateFailure& refused = **opened;
  if (refused.reason == GateRefusal::kLive) {
    return ProofingFailure{ProofingError::kOfferInProgress,
                           "a credential offer for this identity is still live: it must be "
                           "completed or expire before another is made",
                           refused.holder};
  }
  return ProofingFailure{ProofingError::kOfferLimitReached,
                         "this identity had its credential offers for now; try again in " +
                             std::to_string(refused.retry_after) + " s",
                         std::to_string(refused.retry_after)};
}

void IssuanceService::HoldOffer(const IssuanceSubject& who, const std::string& group,
                                int64_t until) {
  if (gate_) (void)gate_->Hold(who.owner + "/" + who.name, group, until);
}

void IssuanceService::AbandonOffer(const IssuanceSubject& who, const std::string& group) {
  if (gate_) (void)gate_->Release(who.owner + "/" + who.name, group, true);
}

Result<std::string> IssuanceService::RequestBody(const IssuancePlan& plan,
                                                 const std::map<std::string, std::string>& claims,
                                                 const std::string& state,
                                                 const std::string& pin) const {
  common::JsonWriter w;
  w->StartObject();
  w.Member("authority", options_.authority);
  w->Key("includeQRCode");
  w->Bool(false);  // the page draws its own code from `url`
  w->Key("registration");
  w->StartObject();
  w.Member("clientName", plan.client_name);
  w->EndObject();
  w->Key("callback");
  w->StartObject();
  w.Member("url", options_.public_base_url + "/api/issuer/callback");
  w.Member("state", state);
  w->Key("headers");
  WriteStringMap(w, {{"api-key", options_.callback_api_key}});
  w->EndObject();
  w.Member("type", plan.contract.type);
  w.Member("manifest", plan.contract.manifest_url);
  w->Key("claims");
  WriteStringMap(w, claims);
  if (!pin.empty()) WritePin(w, pin);
  if (plan.credential_lifetime_seconds > 0) {
    w.Member("expirationDate",
             credentials::IsoTime(clock_.NowSeconds() + plan.credential_lifetime_seconds));
  }
  w->EndObject();
  return w.str();
}

ProofingResult<IssuanceRecord> IssuanceService::Start(
    const Session& session, const IssuancePlan& plan,
    const std::map<std::string, std::string>& available, const std::string& group) {
  const auto [owner, name] = RecordKeyFor(session);
  return Start(IssuanceSubject{session.id, owner, name}, plan, available, group);
}

ProofingResult<IssuanceRecord> IssuanceService::Start(
    const IssuanceSubject& who, const IssuancePlan& plan,
    const std::map<std::string, std::string>& available, const std::string& group) {
  auto claims = ContractClaims(plan.contract, available);
  if (!claims) return claims.error();
  IssuanceRecord record;
  record.id = IssuanceStore::NewId();
  record.session_id = who.session_id;
  record.subject = who.owner + "/" + who.name;
  record.state = common::RandomId(24);
  record.pin = plan.pin_length > 0 ? RandomPin(plan.pin_length) : "";
  auto body = RequestBody(plan, *claims, record.state, record.pin);
  if (!body) return FromLower(body.error());
  const bool own_group = group.empty();
  if (own_group) {
    auto opened = OpenOffer(who, record.id);
    if (!opened) return opened.error();
  }
  record.offer_group = own_group ? record.id : group;
  auto created = client_.CreateIssuanceRequest(*body);
  if (!created && own_group) AbandonOffer(who, record.offer_group);
  if (!created) {
    common::LogWarn("issuance_request_failed", {{"session", who.session_id},
                                                {"error", created.error().code},
                                                {"message", created.error().message}});
    return ProofingFailure{ProofingError::kRequestServiceUnavailable, created.error().message,
                           created.error().code};
  }
  record.request_id = created->request_id;
  record.url = created->url;
  record.expiry = created->expiry;
  auto stored = store_.Insert(std::move(record));
  if (stored && own_group) HoldOffer(who, stored->offer_group, stored->expiry);
  if (stored) {
    common::LogInfo("issuance_request_created", {{"session", who.session_id},
                                                 {"issuance", stored->id},
                                                 {"request_id", stored->request_id}});
  }
  return Lift(std::move(stored));
}

namespace {

// The callback body (spec §5.3) as an event; nullopt for statuses this flow does not know.
std::optional<IssuanceEvent> EventFrom(const rapidjson::Value& body) {
  auto status_name = common::GetString(body, "requestStatus");
  if (!status_name) status_name = common::GetString(body, "code");  // pre-GA field name
  const auto status = ParseIssuanceStatus(status_name.value_or(""));
  const auto state = common::GetString(body, "state");
  if (!status || *status == IssuanceStatus::kCreated || !state) return std::nullopt;
  IssuanceEvent e;
  e.state = std::string(*state);
  e.request_id = std::string(common::GetString(body, "requestId").value_or(""));
  e.status = *status;
  if (const rapidjson::Value* error = common::GetObject(body, "error")) {
    e.error_code = std::string(common::GetString(*error, "code").value_or("")).substr(0, 128);
    e.error_message = std::string(common::GetString(*error, "message").value_or("")).substr(0, 256);
  }
  return e;
}

}  // namespace

CallbackResult IssuanceService::HandleCallback(std::string_view api_key, std::string_view body,
                                               const std::string& mscv) {
  return common::WaitServing<CallbackResult>([&](common::Executor here) {
    return HandleCallbackTask(std::string(api_key), std::string(body), mscv, std::move(here));
  });
}

common::Database::Work IssuanceService::CallbackWork(const IssuanceEvent& event,
                                                     const std::string& subject,
                                                     const std::string& mscv, bool* changed) const {
  return [this, &event, &subject, &mscv, changed](common::Connection& conn) {
    *changed = false;
    auto applied = store_.Apply(conn, event);
    if (!applied) return common::Status(applied.error());
    if (!*applied || !(*applied)->second) return common::Status::Ok();
    *changed = true;
    if (IsTerminal(event.status)) {
      // The wallet is done with this offer: the record may get another one.
      const IssuanceRecord& done = (*applied)->first;
      common::Status released = OfferGate::Release(
          conn, subject, done.offer_group.empty() ? done.id : done.offer_group, false);
      if (!released) return released;
    }
    AuditEntry entry{0,
                     0,
                     "request_service",
                     subject,
                     "issuance",
                     std::string(IssuanceStatusName(event.status)),
                     "",
                     (*applied)->first.request_id,
                     mscv,
                     event.error_code};
    auto seq = AuditLog::Append(conn, std::move(entry), clock_.NowSeconds());
    return seq ? common::Status::Ok() : common::Status(seq.error());
  };
}

common::Task<CallbackResult> IssuanceService::HandleCallbackTask(std::string api_key,
                                                                 std::string body, std::string mscv,
                                                                 common::Executor blocking) {
  if (options_.callback_api_key.empty() ||
      !common::ConstantTimeEquals(api_key, options_.callback_api_key)) {
    co_return CallbackResult::kUnauthenticated;
  }
  auto doc = common::ParseJsonObject(body);
  if (!doc) co_return CallbackResult::kMalformed;
  const auto event = EventFrom(*doc);
  if (!event) co_return CallbackResult::kIgnored;
  auto found = co_await store_.FindByStateTask(event->state);
  if (!found) {
    common::LogError("issuance_callback_failed", {{"error", found.error().message}});
    co_return CallbackResult::kStorageError;
  }
  if (!*found) co_return CallbackResult::kIgnored;
  std::string subject = (*found)->subject;
  if (subject.empty()) {  // rows written before the subject column
    subject = co_await common::RunOn<std::string>(blocking, [this, &found] {
      auto session = sessions_.Get((*found)->session_id);
      if (!session) return std::string();
      const auto [owner, name] = RecordKeyFor(*session);
      return owner + "/" + name;
    });
  }
  bool changed = false;
  common::Status st =
      co_await common::AwaitCommit(db_, CallbackWork(*event, subject, mscv, &changed));
  if (!st) {
    common::LogError("issuance_callback_failed", {{"error", st.error().message}});
    co_return CallbackResult::kStorageError;
  }
  if (changed) CountIssuance(event->status);
  common::LogInfo("issuance_callback", {{"issuance", (*found)->id},
                                        {"status", IssuanceStatusName(event->status)},
                                        {"changed", changed}});
  co_return changed ? CallbackResult::kApplied : CallbackResult::kIgnored;
}

std::string IssuanceMessage(std::string_view status) {
  if (status == "request_created") return "Scan the QR code with your wallet.";
  if (status == "request_retrieved") return "QR code scanned. Finish in your wallet.";
  if (status == "issuance_successful") return "Your credential is in your wallet.";
  if (status == "issuance_error") return "Your wallet could not add the credential.";
  if (status == "expired") return "This code has expired.";
  return "Unknown state.";
}

std::string IssuanceService::StatusJson(const IssuanceRecord& r) const {
  const std::string status =
      r.Expired(clock_.NowSeconds()) ? "expired" : std::string(IssuanceStatusName(r.status));
  common::JsonWriter w;
  w->StartObject();
  w.Member("id", r.id);
  w.Member("status", status);
  w.Member("message", IssuanceMessage(status));
  w.Member("expiry", r.expiry);
  if (r.status == IssuanceStatus::kError) {
    w->Key("error");
    w->StartObject();
    w.Member("code", r.error_code);
    w.Member("message", r.error_message);
    w->EndObject();
  }
  w->EndObject();
  return w.str();
}

}  // namespace vc::issuer
