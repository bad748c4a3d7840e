// Metadata, offers, the token and nonce endpoints and status lists; the
// credential endpoint is in oid4vci_credential.cpp.
#include "issuer/oid4vci_service.h"

#include <stdexcept>

#include "common/base/base64url.h"
#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/base/log.h"
#include "credentials/token_status_list.h"
#include "issuer/audit_log.h"
#include "issuer/oid4vci_metadata.h"

namespace vc::issuer {

namespace {

Oid4vciFailure Fail(Oid4vciError e, std::string message) { return {e, std::move(message)}; }

Oid4vciFailure Storage(const common::Error& e) {
  common::LogError("oid4vci_storage_failed", {{"error", e.code}, {"message", e.message}});
  return Fail(Oid4vciError::kServerError, "the request could not be stored; try again");
}

std::string ClaimsJson(const credentials::ContractConfig& contract,
                       const std::map<std::string, std::string>& inputs) {
  common::JsonWriter w;
  w->StartObject();
  for (const auto& rule : contract.claims) {
    auto it = inputs.find(rule.input_claim);
    if (it != inputs.end()) w.Member(rule.output_claim, it->second);
  }
  w->EndObject();
  return w.str();
}

// Refusals of the token endpoint for each way a redemption can fail.
Oid4vciFailure RedeemRefusal(RedeemOutcome o) {
  switch (o) {
    case RedeemOutcome::kUnknownCode:
      return Fail(Oid4vciError::kInvalidGrant, "the pre-authorized code is not known");
    case RedeemOutcome::kAlreadyUsed:
      return Fail(Oid4vciError::kInvalidGrant, "the pre-authorized code was already used");
    case RedeemOutcome::kExpired:
      return Fail(Oid4vciError::kInvalidGrant, "the pre-authorized code has expired");
    case RedeemOutcome::kDead:
      return Fail(Oid4vciError::kInvalidGrant,
                  "too many wrong transaction codes: the offer can no longer be used");
    case RedeemOutcome::kTxCodeMissing:
      return Fail(Oid4vciError::kInvalidRequest, "this offer requires a tx_code");
    case RedeemOutcome::kTxCodeUnexpected:
      return Fail(Oid4vciError::kInvalidRequest, "this offer has no tx_code; do not send one");
    case RedeemOutcome::kTxCodeWrong:
      return Fail(Oid4vciError::kInvalidGrant, "the tx_code is wrong");
    case RedeemOutcome::kRedeemed:
      break;
  }
  return Fail(Oid4vciError::kServerError, "unexpected redemption outcome");
}

}  // namespace

Oid4vciService::Oid4vciService(Oid4vciOptions options,
                               std::vector<credentials::ContractConfig> contracts,
                               Oid4vciStore& store, keys::KeyStore& keys,
                               const common::Clock& clock)
    : options_(std::move(options)), store_(store), keys_(keys), clock_(clock) {
  for (auto& c : contracts) {
    if (c.Issues(credentials::kFormatSdJwtVc)) contracts_.push_back(std::move(c));
  }
  if (auto k = keys_.ActiveOrGenerate(options_.key_purpose, options_.alg); !k) {
    throw std::runtime_error("OpenID4VCI issuer key: " + k.error().message);
  }
}

const credentials::ContractConfig* Oid4vciService::Find(const std::string& id) const {
  for (const auto& c : contracts_) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

keys::StoredKey Oid4vciService::SigningKey() const {
  auto k = keys_.Active(options_.key_purpose);
  if (!k) throw std::runtime_error("OpenID4VCI issuer key: " + k.error().message);
  return *k;
}

std::string Oid4vciService::IssuerMetadata() const {
  return vc::issuer::CredentialIssuerMetadata(options_.credential_issuer, contracts_,
                                              SigningKey().alg);
}

std::string Oid4vciService::AuthorizationServerMetadata() const {
  return vc::issuer::AuthorizationServerMetadata(options_.credential_issuer);
}

std::string Oid4vciService::JwtVcIssuerMetadata() const {
  auto jwks = keys_.PublicJwks(options_.key_purpose);
  return vc::issuer::JwtVcIssuerMetadata(options_.credential_issuer,
                                         jwks ? *jwks : std::string(R"({"keys":[]})"));
}

Oid4vciResult<std::string> Oid4vciService::TypeMetadata(const std::string& contract_id) const {
  const auto* c = Find(contract_id);
  if (!c || !c->vct.empty()) return Fail(Oid4vciError::kNotFound, "no such credential type");
  return vc::issuer::TypeMetadata(*c, options_.credential_issuer);
}

ProofingResult<Offer> Oid4vciService::CreateOffer(
    const IssuanceSubject& who, const credentials::ContractConfig& contract,
    const std::map<std::string, std::string>& available) {
  if (!Find(contract.id))
    return Refusal(ProofingError::kIssuanceNotConfigured,
                   "contract " + contract.id + " is not issued as dc+sd-jwt");
  auto inputs = ContractClaims(contract, available);
  if (!inputs) return inputs.error();
  Offer o;
  o.id = "of_" + common::RandomId(16);
  o.session_id = who.session_id;
  o.subject = who.owner + "/" + who.name;
  o.contract_id = contract.id;
  o.claims_json = ClaimsJson(contract, *inputs);
  o.pre_authorized_code = common::RandomId(32);
  o.tx_code = options_.tx_code_length > 0 ? RandomPin(options_.tx_code_length) : "";
  o.created_at = o.updated_at = clock_.NowSeconds();
  o.expiry = o.created_at + options_.offer_lifetime_seconds;
  if (auto s = store_.InsertOffer(o); !s) return FromLower(s.error());
  common::LogInfo("oid4vci_offer_created",
                  {{"session", who.session_id}, {"offer", o.id}, {"contract", contract.id}});
  return o;
}

std::string Oid4vciService::OfferUrl(const Offer& offer) const {
  return std::string(kOfferScheme) + "?credential_offer_uri=" +
         common::PercentEncode(options_.credential_issuer + kOid4vciOffersPath + offer.id);
}

Oid4vciResult<std::string> Oid4vciService::CredentialOffer(const std::string& offer_id) const {
  auto found = store_.GetOffer(offer_id);
  if (!found) return Storage(found.error());
  const int64_t now = clock_.NowSeconds();
  if (!*found || (*found)->status == OfferStatus::kFailed || now > (*found)->expiry)
    return Fail(Oid4vciError::kOfferNotFound, "no such credential offer, or it has expired");
  const Offer& o = **found;
  common::JsonWriter w;
  w->StartObject();
  w.Member("credential_issuer", options_.credential_issuer);
  w->Key("credential_configuration_ids");
  w->StartArray();
  w.String(o.contract_id);
  w->EndArray();
  w->Key("grants");
  w->StartObject();
  w->Key(kPreAuthorizedGrant);
  w->StartObject();
  w.Member("pre-authorized_code", o.pre_authorized_code);
  if (options_.tx_code_length > 0) {
    w->Key("tx_code");
    w->StartObject();
    w.Member("input_mode", "numeric");
    w.Member("length", options_.tx_code_length);
    w.Member("description", "The code shown beside the QR code");
    w->EndObject();
  }
  w->EndObject();
  w->EndObject();
  w->EndObject();
  return w.str();
}

Oid4vciResult<std::string> Oid4vciService::Token(const common::QueryParams& form,
                                                 const std::string& mscv) {
  for (const char* once : {"grant_type", "pre-authorized_code", "tx_code", "resource"}) {
    if (form.GetAll(once).size() > 1)
      return Fail(Oid4vciError::kInvalidRequest, std::string(once) + " is sent more than once");
  }
  const auto grant = form.Get("grant_type");
  if (!grant) return Fail(Oid4vciError::kInvalidRequest, "grant_type is missing");
  if (*grant != kPreAuthorizedGrant)
    return Fail(Oid4vciError::kUnsupportedGrantType,
                "only the pre-authorized code grant is supported");
  const std::string code(form.Get("pre-authorized_code").value_or(""));
  if (code.empty()) return Fail(Oid4vciError::kInvalidRequest, "pre-authorized_code is missing");
  if (auto r = form.Get("resource"); r && *r != options_.credential_issuer)
    return Fail(Oid4vciError::kInvalidRequest, "resource is not this credential issuer");
  const std::string token = common::RandomId(32);
  const int64_t expires = clock_.NowSeconds() + options_.token_lifetime_seconds;
  const auto on_dead = [&](common::Connection& c, const Offer& o) {
    AuditEntry e{0,        0,  "wallet", o.subject, "issuance",
                 "failed", "", o.id,     mscv,      "tx_code_attempts"};
    auto seq = AuditLog::Append(c, std::move(e), clock_.NowSeconds());
    return seq ? common::Status::Ok() : common::Status(seq.error());
  };
  auto outcome = store_.Redeem(code, std::string(form.Get("tx_code").value_or("")),
                               common::HexEncode(common::Sha256(token)), expires,
                               options_.max_tx_code_attempts, on_dead);
  if (!outcome) return Storage(outcome.error());
  if (*outcome != RedeemOutcome::kRedeemed) return RedeemRefusal(*outcome);
  common::JsonWriter w;
  w->StartObject();
  w.Member("access_token", token);
  w.Member("token_type", "Bearer");
  w.Member("expires_in", options_.token_lifetime_seconds);
  w->EndObject();
  return w.str();
}

Oid4vciResult<std::string> Oid4vciService::Nonce() {
  const std::string nonce = common::RandomId(24);
  if (auto s = store_.InsertNonce(nonce, clock_.NowSeconds() + options_.nonce_lifetime_seconds); !s)
    return Storage(s.error());
  common::JsonWriter w;
  w->StartObject();
  w.Member("c_nonce", nonce);
  w.Member("c_nonce_expires_in", options_.nonce_lifetime_seconds);
  w->EndObject();
  return w.str();
}

std::string Oid4vciService::StatusListUri(const std::string& list_id) const {
  return options_.credential_issuer + kOid4vciStatusListsPath + list_id;
}

Oid4vciResult<std::string> Oid4vciService::StatusListToken(const std::string& list_id) const {
  auto state = store_.StatusList(list_id);
  if (!state) return Storage(state.error());
  if (!*state) return Fail(Oid4vciError::kNotFound, "no such status list");
  credentials::TokenStatusList list(static_cast<size_t>((*state)->size), 1);
  for (int64_t i : (*state)->revoked) list.Set(static_cast<size_t>(i), credentials::kStatusInvalid);
  const keys::StoredKey key = SigningKey();
  const int64_t now = clock_.NowSeconds();
  credentials::StatusListTokenClaims claims{options_.credential_issuer, StatusListUri(list_id), now,
                                            now + options_.status_list_token_lifetime_seconds,
                                            options_.status_list_ttl_seconds};
  auto jwt = credentials::IssueStatusListToken(claims, list, key.key, key.alg, key.key.kid());
  if (!jwt) return Fail(Oid4vciError::kServerError, "the status list could not be signed");
  return *jwt;
}

std::string OfferMessage(std::string_view status) {
  if (status == "offer_created") return "Scan the QR code with your wallet.";
  if (status == "token_issued") return "Code accepted. Finish in your wallet.";
  if (status == "credential_issued") return "Your credential is in your wallet.";
  if (status == "failed") return "Too many wrong transaction codes. Get a new code.";
  if (status == "expired") return "This code has expired.";
  return "Unknown state.";
}

std::string Oid4vciService::StatusJson(const Offer& o) const {
  const std::string status =
      o.Expired(clock_.NowSeconds()) ? "expired" : std::string(OfferStatusName(o.status));
  common::JsonWriter w;
  w->StartObject();
  w.Member("id", o.id);
  w.Member("status", status);
  w.Member("message", OfferMessage(status));
  w.Member("expiry", o.expiry);
  w.Member("format", credentials::kFormatSdJwtVc);
  w->EndObject();
  return w.str();
}

}  // namespace vc::issuer
