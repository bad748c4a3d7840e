// The credential endpoint (OpenID4VCI 1.0 §8): the bearer token, the request,
// the key proof, then one transaction that spends the nonce and the token and
// issues the SD-JWT VC.
#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/base/log.h"
#include "credentials/contract.h"
#include "credentials/sd_jwt.h"
#include "issuer/audit_log.h"
#include "issuer/oid4vci_metadata.h"
#include "issuer/oid4vci_proof.h"
#include "issuer/oid4vci_service.h"

namespace vc::issuer {

namespace {

Oid4vciFailure Fail(Oid4vciError e, std::string message) { return {e, std::move(message)}; }

Oid4vciResult<std::string> BearerToken(std::string_view authorization) {
  constexpr std::string_view kPrefix = "Bearer ";
  if (!authorization.starts_with(kPrefix) || authorization.size() == kPrefix.size())
    return Fail(Oid4vciError::kInvalidToken, "send the access token as Authorization: Bearer");
  return std::string(authorization.substr(kPrefix.size()));
}

struct Request {
  std::string configuration_id;
  std::string proof_jwt;
};

Oid4vciResult<std::string> ConfigurationId(const rapidjson::Value& body) {
  if (body.HasMember("credential_identifier"))
    return Fail(Oid4vciError::kInvalidCredentialRequest,
                "this issuer hands out no credential_identifier; send credential_configuration_id");
  if (auto id = common::GetString(body, "credential_configuration_id")) return std::string(*id);
  if (auto format = common::GetString(body, "format")) {
    if (*format != credentials::kFormatSdJwtVc)
      return Fail(Oid4vciError::kUnsupportedCredentialFormat,
                  "format " + std::string(*format) + " is not issued here; dc+sd-jwt is");
  }
  return Fail(Oid4vciError::kInvalidCredentialRequest, "credential_configuration_id is missing");
}

Oid4vciResult<Request> ParseRequest(std::string_view text) {
  auto body = common::ParseJsonObject(text, {64 * 1024, 8});
  if (!body) return Fail(Oid4vciError::kInvalidCredentialRequest, "the body is not a JSON object");
  auto id = ConfigurationId(*body);
  if (!id) return id.error();
  if (body->HasMember("proof"))
    return Fail(Oid4vciError::kInvalidCredentialRequest, "send the key proof in proofs.jwt");
  const rapidjson::Value* proofs = common::GetObject(*body, "proofs");
  if (!proofs) return Fail(Oid4vciError::kInvalidProof, "proofs is missing");
  const rapidjson::Value* jwts = common::GetArray(*proofs, "jwt");
  if (!jwts || proofs->MemberCount() != 1)
    return Fail(Oid4vciError::kInvalidProof, "proofs must hold exactly one proof type, jwt");
  if (jwts->Size() != 1 || !(*jwts)[0].IsString())
    return Fail(Oid4vciError::kInvalidCredentialRequest,
                "send exactly one proof: batch issuance is not offered");
  return Request{std::move(*id), (*jwts)[0].GetString()};
}

// The claims of the credential that are always visible.
std::string PlainClaims(const std::string& issuer, const std::string& vct, int64_t iat, int64_t exp,
                        const common::Jwk& holder, int64_t idx, const std::string& status_uri) {
  common::JsonWriter w;
  w->StartObject();
  w.Member("iss", issuer);
  w.Member("iat", iat);
  w.Member("exp", exp);
  w.Member("vct", vct);
  w->Key("cnf");
  w->StartObject();
  w->Key("jwk");
  const std::string jwk = holder.PublicOnly().WithKid("").ToPublicJson();
  w->RawValue(jwk.data(), jwk.size(), rapidjson::kObjectType);
  w->EndObject();
  w->Key("status");
  w->StartObject();
  w->Key("status_list");
  w->StartObject();
  w.Member("idx", idx);
  w.Member("uri", status_uri);
  w->EndObject();
  w->EndObject();
  w->EndObject();
  return w.str();
}

std::string IndexHash(const credentials::ContractConfig& contract, const std::string& claims) {
  auto doc = common::ParseJsonObject(claims);
  for (const auto& rule : contract.claims) {
    if (!rule.indexed || !doc) continue;
    auto v = common::GetString(*doc, rule.output_claim.c_str());
    if (v) return credentials::IndexClaimHash(contract.id, std::string(*v));
  }
  return "";
}

}  // namespace

common::Result<std::string> Oid4vciService::Mint(common::Connection& c, const Offer& offer,
                                                 const StatusSlot& slot, const common::Jwk& holder,
                                                 const std::string& credential_id,
                                                 const std::string& mscv) {
  const credentials::ContractConfig* contract = Find(offer.contract_id);
  if (!contract) return common::Error{"unknown_contract", "the offer's contract is gone"};
  const keys::StoredKey key = SigningKey();
  const int64_t now = clock_.NowSeconds();
  credentials::SdJwtToIssue sd;
  sd.kid = key.key.kid();
  sd.plain_claims_json = PlainClaims(
      options_.credential_issuer, VctFor(*contract, options_.credential_issuer), now,
      now + contract->validity_interval_seconds, holder, slot.index, StatusListUri(slot.list_id));
  if (auto claims = common::ParseJsonObject(offer.claims_json)) {
    for (const auto& m : claims->GetObject()) {
      sd.disclosed.push_back({m.name.GetString(), common::ToJson(m.value)});
    }
  }
  auto issued = credentials::IssueSdJwt(sd, key.key, key.alg);
  if (!issued) return issued.error();
  AuditEntry entry{
      0,    0,          "wallet", offer.subject, "issuance", "credential_issued", "", credential_id,
      mscv, "dc+sd-jwt"};
  auto seq = AuditLog::Append(c, std::move(entry), now);
  if (!seq) return seq.error();
  if (options_.on_issued) {
    if (auto done = options_.on_issued(c, offer.subject); !done) return done.error();
  }
  return issued;
}

Oid4vciResult<Offer> Oid4vciService::Authorize(const std::string& token_hash) const {
  auto offer = store_.OfferForToken(token_hash);
  if (!offer) return Fail(Oid4vciError::kServerError, "the request could not be read; try again");
  if (!*offer || (*offer)->status != OfferStatus::kTokenIssued ||
      clock_.NowSeconds() > (*offer)->token_expiry)
    return Fail(Oid4vciError::kInvalidToken, "the access token is unknown, expired or spent");
  return **offer;
}

Oid4vciResult<std::string> Oid4vciService::Credential(std::string_view authorization,
                                                      std::string_view body,
                                                      const std::string& mscv) {
  auto token = BearerToken(authorization);
  if (!token) return token.error();
  const std::string token_hash = common::HexEncode(common::Sha256(*token));
  auto offer = Authorize(token_hash);
  if (!offer) return offer.error();
  auto request = ParseRequest(body);
  if (!request) return request.error();
  if (!Find(request->configuration_id))
    return Fail(Oid4vciError::kUnknownCredentialConfiguration,
                "no credential configuration " + request->configuration_id);
  if (request->configuration_id != offer->contract_id)
    return Fail(Oid4vciError::kCredentialRequestDenied,
                "the access token was granted for " + offer->contract_id);
  auto proof = VerifyProofJwt(request->proof_jwt,
                              ProofPolicy{options_.credential_issuer, clock_.NowSeconds()});
  if (!proof) return proof.error();
  return Issue(token_hash, *offer, *proof, mscv);
}

Oid4vciResult<std::string> Oid4vciService::Issue(const std::string& token_hash, const Offer& offer,
                                                 const VerifiedProof& proof,
                                                 const std::string& mscv) {
  IssuedCredential record;
  record.id = "urn:uuid:" + common::HexEncode(common::RandomBytes(16));
  record.issued_at = clock_.NowSeconds();
  const auto* contract = Find(offer.contract_id);
  record.expires_at = record.issued_at + contract->validity_interval_seconds;
  record.index_hash = IndexHash(*contract, offer.claims_json);
  std::string credential;
  auto outcome = store_.IssueCredential(
      token_hash, proof.nonce, options_.status_list_size, record,
      [&](common::Connection& c, const Offer& o, const StatusSlot& slot) {
        return Mint(c, o, slot, proof.holder_key, record.id, mscv);
      },
      &credential);
  if (!outcome) {
    common::LogError("oid4vci_issue_failed", {{"error", outcome.error().message}});
    return Fail(Oid4vciError::kServerError, "the credential could not be issued; try again");
  }
  if (*outcome == Oid4vciStore::IssueOutcome::kBadNonce)
    return Fail(Oid4vciError::kInvalidNonce,
                "the nonce is unknown, used or expired; get a fresh one from the nonce endpoint");
  if (*outcome == Oid4vciStore::IssueOutcome::kBadToken)
    return Fail(Oid4vciError::kInvalidToken, "the access token is unknown, expired or spent");
  common::LogInfo("oid4vci_credential_issued", {{"offer", offer.id}, {"credential", record.id}});
  common::JsonWriter w;
  w->StartObject();
  w->Key("credentials");
  w->StartArray();
  w->StartObject();
  w.Member("credential", credential);
  w->EndObject();
  w->EndArray();
  w->EndObject();
  return w.str();
}

}  // namespace vc::issuer
