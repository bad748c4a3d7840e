// The wallet's issuance leg: manifest, issue (attestation, PIN, holder proof),
// completion.
#include "request_service/wallet_protocol.h"

#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/base/task_wait.h"
#include "common/jose/jws.h"
#include "common/jose/jwt.h"
#include "common/store/store_await.h"
#include "credentials/holder.h"
#include "request_service/events.h"

namespace vc::request_service {
using common::Connection;
using common::Status;

namespace {

ApiFailure TokenFailure(const std::string& what, const common::Error& e) {
  return ApiFailure{400, "tokenError", what + ": " + e.code + " (" + e.message + ")", what};
}

std::string JsonObject(const char* key, const std::string& value) {
  common::JsonWriter w;
  w->StartObject();
  w->Key(key);
  w->String(value);
  w->EndObject();
  return w.str();
}

}  // namespace

ApiResult<WalletResponse> WalletProtocol::Manifest(const std::string& contract_id) {
  const auto* contract = authority_.FindContract(contract_id);
  if (!contract) return ApiFailure{404, "notFound", "No such contract.", "contract"};
  const auto signer = authority_.CurrentSigner();
  auto jws = common::SignCompact(
      signer.key, signer.alg,
      contract->ManifestPayload(authority_.options().authority, authority_.ManifestUrl(contract_id),
                                authority_.IssueUrl()),
      {"JWT", signer.kid, ""});
  if (!jws) return ApiFailure{500, "signingError", jws.error().message, ""};
  return WalletResponse{200, "application/json", JsonObject("token", *jws)};
}

ApiResult<WalletResponse> WalletProtocol::Issue(const std::string& proof_jws) {
  return common::WaitServing<ApiResult<WalletResponse>>(
      [&](common::Executor here) { return IssueTask(proof_jws, std::move(here)); });
}

// Nothing the holder names is resolved before the proof is bound to a live
// request of ours: the proof's claims and audience are read unverified, its
// id_token_hint must be signed by our own authority (resolved in process)
// and name a request still open for this contract. Only then is the holder's
// DID resolved to check the proof's signature (a did:jwk needs no fetch; any
// other goes through the outbound policy).
common::Task<ApiResult<WalletResponse>> WalletProtocol::IssueTask(std::string proof_jws,
                                                                  common::Executor blocking) {
  auto proof = credentials::ParseDidSignedJwt(proof_jws, "did");
  if (!proof) co_return TokenFailure("proof", proof.error());
  const auto& p = proof->payload;
  common::ClaimPolicy policy{authority_.clock().NowSeconds(), 60, true, {"aud"}, std::nullopt};
  if (auto s = common::CheckClaims(p, policy); !s) {
    co_return TokenFailure("proof", common::ToError(s.error()));
  }
  if (common::GetString(p, "aud").value_or("") != authority_.IssueUrl()) {
    co_return ApiFailure{400, "tokenError", "The proof is not addressed to this issue endpoint.",
                         "aud"};
  }
  auto r = co_await BoundRequestTask(p, blocking);
  if (!r.ok()) co_return r.failure();
  auto spec = ParseIssuanceRequest(r->body);
  if (!spec.ok()) co_return spec.failure();
  if (common::GetString(p, "contract").value_or("") != spec->manifest) {
    co_return ApiFailure{400, "tokenError", "The proof names another contract.", "contract"};
  }
  const std::string pin(common::GetString(p, "pin").value_or(""));
  auto holder = co_await common::RunOn<common::Result<credentials::VerifiedJwt>>(
      std::move(blocking),
      [this, &proof] { return credentials::VerifyParsedJwt(std::move(*proof), resolver_); });
  if (!holder) co_return TokenFailure("proof", holder.error());
  if (auto checked = co_await CheckPinTask(*r, *spec, pin); !checked.ok())
    co_return checked.failure();
  auto vc = co_await IssueVcTask(*r, *spec, holder->signer_did);
  if (!vc.ok()) co_return vc.failure();
  co_return WalletResponse{200, "application/json", JsonObject("vc", *vc)};
}

// The request the proof's id_token_hint names, once the hint is shown to be
// ours (its signer is checked, on `blocking`, before anything is resolved)
// and the request has no credential yet.
common::Task<ApiResult<StoredRequest>> WalletProtocol::BoundRequestTask(
    const rapidjson::Value& proof, common::Executor blocking) {
  const auto* att = common::GetObject(proof, "attestations");
  const auto* ids = att ? common::GetObject(*att, "idTokens") : nullptr;
  const auto hint_text = ids ? common::GetString(*ids, "https://self-issued.me") : std::nullopt;
  if (!hint_text)
    co_return ApiFailure{400, "tokenError", "The proof carries no id_token_hint attestation.",
                         "attestations"};
  const ApiFailure not_ours{400, "tokenError", "The id_token_hint was not issued by this service.",
                            "attestations"};
  auto parsed = credentials::ParseDidSignedJwt(*hint_text, "did");
  if (!parsed || parsed->claimed_did != authority_.options().authority) co_return not_ours;
  auto hint = co_await common::RunOn<common::Result<credentials::VerifiedJwt>>(
      std::move(blocking),
      [this, &parsed] { return credentials::VerifyParsedJwt(std::move(*parsed), resolver_); });
  if (!hint) co_return not_ours;
  auto r = co_await authority_.LoadTask(
      "id", std::string(common::GetString(hint->payload, "jti").value_or("")), "issuance");
  if (!r.ok()) co_return r.failure();
  if (!r->terminal.empty() || !r->issued_jti.empty()) {
    co_return ApiFailure{409, "requestCompleted",
                         "A credential was already issued for this request.", "request"};
  }
  co_return r;
}

// Read and count in one transaction, so concurrent guesses cannot share an attempt.
common::Database::Work WalletProtocol::PinFailureWork(const std::string& id, int* failures) {
  return [&id, failures](Connection& c) -> Status {
    auto cur = FindRequest(c, "id", id, true);
    if (!cur) return cur.error();
    *failures = (*cur ? (*cur)->pin_failures : 0) + 1;
    return UpdateRequest(c, id, "pin_failures", int64_t{*failures});
  };
}

// A wrong PIN counts; at pin_max_attempts the request fails for good with an
// issuance_error callback.
common::Task<ApiResult<Done>> WalletProtocol::CheckPinTask(const StoredRequest& r,
                                                           const IssuanceSpec& spec,
                                                           std::string pin_hash) {
  if (!spec.pin) co_return Done{};
  const std::string expected =
      spec.pin->hashed ? spec.pin->value : credentials::PinHash(r.pin_salt, spec.pin->value);
  if (common::ConstantTimeEquals(expected, pin_hash)) co_return Done{};
  int failures = 0;
  Status s = co_await common::AwaitCommit(authority_.db(), PinFailureWork(r.id, &failures));
  if (!s) co_return ApiFailure{500, "internalError", s.error().code, ""};
  if (failures >= authority_.options().pin_max_attempts) {
    auto done =
        co_await authority_.FinishTask(r.id, spec.callback, "issuance_error",
                                       SimpleEvent(r.id, "issuance_error", spec.callback.state,
                                                   "IssuanceFlowFailed", "pin_attempts_exceeded"));
    (void)done;
    co_return ApiFailure{403, "pinAttemptsExceeded", "Too many wrong PINs; the request is closed.",
                         "pin"};
  }
  co_return ApiFailure{400, "invalidPin", "The PIN is not correct.", "pin"};
}

common::Task<ApiResult<std::string>> WalletProtocol::IssueVcTask(const StoredRequest& r,
                                                                 const IssuanceSpec& spec,
                                                                 std::string holder) {
  const auto& options = authority_.options();
  const auto& contract = *authority_.ContractForManifest(spec.manifest);
  auto claims = contract.MapClaims(spec.claims);
  if (!claims) co_return BadField("claims", claims.error().message);
  const int64_t now = authority_.clock().NowSeconds();
  std::string jwt;
  bool already = false;
  // Outside the transaction: the key store may read the database.
  const credentials::Signer signer = authority_.CurrentSigner();
  // The frame outlives the commit: the work may refer to its locals.
  Status s = co_await common::AwaitCommit(authority_.db(), [&](Connection& c) -> Status {
    already = false;
    // One VC per request, even under concurrent calls (of several instances).
    auto cur = FindRequest(c, "id", r.id, true);
    if (!cur) return cur.error();
    if (!*cur || !(*cur)->issued_jti.empty() || (*cur)->pin_failures >= options.pin_max_attempts) {
      already = true;
      return {};
    }
    auto slot = AllocateStatusSlot(c, options.status_list_size);
    if (!slot) return slot.error();
    credentials::VcToIssue vc{
        options.authority,
        holder,
        {contract.type()},
        *claims,
        now,
        spec.expiration_date.value_or(now + contract.validity_seconds()),
        "urn:pic:" + common::HexEncode(common::RandomBytes(16)),
        credentials::StatusEntry{authority_.StatusListUrl(slot->first), slot->second}};
    auto signed_vc = credentials::IssueVcJwt(vc, signer);
    if (!signed_vc) return signed_vc.error();
    jwt = *signed_vc;
    const std::string indexed = contract.IndexedValue(*claims);
    StoredCredential cred{
        vc.jti,
        contract.id(),
        slot->first,
        slot->second,
        indexed.empty() ? "" : credentials::IndexClaimHash(contract.id(), indexed),
        false};
    if (auto ins = InsertCredential(c, cred, now); !ins) return ins;
    return UpdateRequest(c, r.id, "issued_jti", vc.jti);
  });
  if (!s)
    co_return ApiFailure{500, "internalError",
                         "The credential could not be issued: " + s.error().code, ""};
  if (already)
    co_return ApiFailure{409, "requestCompleted",
                         "A credential was already issued for this request.", "request"};
  co_return jwt;
}

ApiResult<WalletResponse> WalletProtocol::CompleteIssuance(const std::string& body) {
  return common::Wait(CompleteIssuanceTask(body));
}

namespace {

// The wallet's completion report, checked.
struct Completion {
  std::string state;
  bool success = false;
  std::string details;
};

ApiResult<Completion> ParseCompletion(const std::string& body) {
  auto doc = common::ParseJsonObject(body);
  if (!doc) return BadField("", "The body is not a JSON object.");
  const auto code = common::GetString(*doc, "code");
  const auto state = common::GetString(*doc, "state");
  if (!state) return BadField("state", "state is required.");
  if (!code || (*code != "issuance_successful" && *code != "issuance_failed")) {
    return BadField("code", "code must be issuance_successful or issuance_failed.");
  }
  return Completion{std::string(*state), *code == "issuance_successful",
                    std::string(common::GetString(*doc, "details").value_or("unspecified_error"))};
}

// The terminal status and callback event that `c` gives the stored request `r`.
struct Terminal {
  CallbackSpec cb;
  std::string status, event;
};

ApiResult<Terminal> TerminalFor(const StoredRequest& r, const Completion& c) {
  auto spec = ParseIssuanceRequest(r.body);
  if (!spec.ok()) return spec.failure();
  const auto& cb = spec->callback;
  if (!c.success) {
    return Terminal{cb, "issuance_error",
                    SimpleEvent(r.id, "issuance_error", cb.state, "IssuanceFlowFailed", c.details)};
  }
  if (r.issued_jti.empty()) return BadField("code", "No credential was issued for this request.");
  return Terminal{cb, "issuance_successful", SimpleEvent(r.id, "issuance_successful", cb.state)};
}

}  // namespace

common::Task<ApiResult<WalletResponse>> WalletProtocol::CompleteIssuanceTask(std::string body) {
  auto c = ParseCompletion(body);
  if (!c.ok()) co_return c.failure();
  auto r = co_await authority_.LoadTask("wallet_state", c->state, "issuance");
  if (!r.ok()) co_return r.failure();
  auto t = TerminalFor(*r, *c);
  if (!t.ok()) co_return t.failure();
  auto done = co_await authority_.FinishTask(r->id, t->cb, t->status, t->event);
  if (!done.ok()) co_return done.failure();
  co_return WalletResponse{202, "", ""};
}

}  // namespace vc::request_service
