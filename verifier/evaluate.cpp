#include "verifier/evaluate.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "common/base/json.h"
#include "common/jose/jws.h"
#include "credentials/verify_error.h"

namespace vc::verifier {
namespace {

using credentials::VerifyError;

struct CredentialResult {
  std::vector<std::string> types;
  std::string issuer;
  credentials::Claims claims;
  bool revoked = false;
  std::string domain;
  std::optional<int64_t> iat, exp;
  std::optional<double> face_score;
  std::string face_quality;
};

struct Failure {
  std::string code, message;
};

Failure Fail(VerifyError e, std::string message) {
  return {std::string(credentials::Code(e)), std::move(message)};
}

std::vector<std::string> Types(const rapidjson::Value& item) {
  std::vector<std::string> out;
  if (auto t = common::GetString(item, "type")) out.emplace_back(*t);
  if (const auto* arr = common::GetArray(item, "type")) {
    for (const auto& v : arr->GetArray()) {
      if (v.IsString()) out.emplace_back(v.GetString(), v.GetStringLength());
    }
  }
  return out;
}

void ReadFaceCheck(const rapidjson::Value& item, CredentialResult& r) {
  const auto* fc = common::GetObject(item, "faceCheck");
  if (!fc) return;
  if (fc->HasMember("matchConfidenceScore") && (*fc)["matchConfidenceScore"].IsNumber()) {
    r.face_score = (*fc)["matchConfidenceScore"].GetDouble();
  }
  r.face_quality = std::string(common::GetString(*fc, "sourcePhotoQuality").value_or(""));
}

CredentialResult FromCallback(const rapidjson::Value& item) {
  CredentialResult r;
  r.types = Types(item);
  r.issuer = std::string(common::GetString(item, "issuer").value_or(""));
  if (const auto* claims = common::GetObject(item, "claims")) {
    for (const auto& m : claims->GetObject()) {
      r.claims.emplace_back(m.name.GetString(), m.value.IsString()
                                                    ? std::string(m.value.GetString())
                                                    : common::ToJson(m.value));
    }
  }
  if (const auto* cs = common::GetObject(item, "credentialState")) {
    r.revoked = common::GetString(*cs, "revocationStatus").value_or("") == "REVOKED";
  }
  if (const auto* dv = common::GetObject(item, "domainValidation")) {
    r.domain = std::string(common::GetString(*dv, "url").value_or(""));
  }
  if (auto d = common::GetString(item, "issuanceDate")) r.iat = credentials::ParseIsoTime(*d);
  if (auto d = common::GetString(item, "expirationDate")) r.exp = credentials::ParseIsoTime(*d);
  ReadFaceCheck(item, r);
  return r;
}

CredentialResult FromVerified(const credentials::VerifiedCredentialData& d) {
  CredentialResult r;
  r.types = d.vc.types;
  r.issuer = d.vc.issuer;
  r.claims = d.vc.claims;
  r.revoked = d.revoked;
  r.domain = d.domain;
  r.iat = d.vc.iat;
  r.exp = d.vc.exp;
  return r;
}

std::optional<Failure> CheckFace(const credentials::RequestedCredential& want,
                                 const CredentialResult& r) {
  if (!want.face_check) return std::nullopt;
  if (!r.face_score || *r.face_score < want.face_check->match_confidence_threshold) {
    return Failure{"face_check_failed", "the FaceCheck score is missing or below the threshold"};
  }
  return std::nullopt;
}

// The policy's rules on one reported credential (the checks the Request Service
// was asked to make, made again on what it reported).
std::optional<Failure> CheckOne(const credentials::RequestedCredential& want,
                                const CredentialResult& r, int64_t now) {
  if (std::find(r.types.begin(), r.types.end(), want.type) == r.types.end()) {
    return Fail(VerifyError::kTypeMismatch, "no credential of type " + want.type);
  }
  const auto& ok = want.accepted_issuers;
  if (!ok.empty() && std::find(ok.begin(), ok.end(), r.issuer) == ok.end()) {
    return Fail(VerifyError::kIssuerNotAccepted, "issuer " + r.issuer + " is not accepted");
  }
  if (r.revoked && !want.allow_revoked)
    return Fail(VerifyError::kRevoked, "the credential has been revoked");
  if (r.exp && *r.exp <= now) return Fail(VerifyError::kExpired, "the credential has expired");
  for (const auto& c : want.constraints) {
    if (!credentials::ConstraintHolds(c, r.claims)) {
      return Fail(VerifyError::kConstraintFailed, "constraint on `" + c.claim_name + "` not met");
    }
  }
  if (want.validate_linked_domain && r.domain.empty()) {
    return Fail(VerifyError::kLinkedDomainUnverified,
                "the issuer's linked domain was not validated");
  }
  return CheckFace(want, r);
}

// Matches each requested credential to a reported one (by type, in order).
std::optional<Failure> CheckAll(const Policy& policy, std::vector<CredentialResult>& reported,
                                int64_t now, std::vector<CredentialResult>& matched) {
  for (const auto& want : policy.requested) {
    auto it = std::find_if(reported.begin(), reported.end(), [&](const CredentialResult& r) {
      return std::find(r.types.begin(), r.types.end(), want.type) != r.types.end();
    });
    if (it == reported.end())
      return Fail(VerifyError::kTypeMismatch, "no credential of type " + want.type);
    if (auto f = CheckOne(want, *it, now)) return f;
    matched.push_back(*it);
  }
  return std::nullopt;
}

std::string ReceiptNonce(const std::string& id_token) {
  auto token = common::ParseCompact(id_token, 64 * 1024);
  if (!token) return "";
  auto payload = common::ParseJsonObject(token->payload);
  if (!payload) return "";
  return std::string(common::GetString(*payload, "nonce").value_or(""));
}

// The receipt's vp_token as ValidatePresentation takes it: a string, or an array
// of strings given as its JSON text.
std::optional<std::string> ReceiptVpToken(const rapidjson::Value& receipt) {
  if (auto s = common::GetString(receipt, "vp_token")) return std::string(*s);
  const auto* arr = common::GetArray(receipt, "vp_token");
  if (!arr || arr->Empty()) return std::nullopt;
  for (const auto& v : arr->GetArray()) {
    if (!v.IsString()) return std::nullopt;
  }
  if (arr->Size() == 1) return std::string((*arr)[0].GetString(), (*arr)[0].GetStringLength());
  return common::ToJson(*arr);
}

// Defence in depth: verifies the receipt's presentation ourselves. On success
// `out` holds the credentials as we verified them, in requestedCredentials order.
// Status lists we can read (http(s) statusListCredential) are read; for any other
// status entry (Entra's RevocationList2021Status under a DID URL) the Request
// Service's reported revocationStatus for that issuer is used instead of failing.
class ReportedOrHttpStatus final : public credentials::StatusChecker {
 public:
  ReportedOrHttpStatus(credentials::StatusChecker& http,
                       const std::vector<CredentialResult>& reported)
      : http_(http), reported_(reported) {}
  common::Result<bool> IsRevoked(const std::string& issuer,
                                 const credentials::StatusEntry& entry) override {
    if (entry.list_url.starts_with("https://") || entry.list_url.starts_with("http://")) {
      return http_.IsRevoked(issuer, entry);
    }
    bool found = false, revoked = false;
    for (const auto& r : reported_) {
      if (r.issuer != issuer) continue;
      found = true;
      revoked = revoked || r.revoked;
    }
    if (!found) return common::Error{"status_unavailable", "no reported status for " + issuer};
    return revoked;
  }

 private:
  credentials::StatusChecker& http_;
  const std::vector<CredentialResult>& reported_;
};

std::optional<Failure> VerifyReceipt(const rapidjson::Value& receipt, const std::string& subject,
                                     const Policy& policy, const EvaluationContext& ctx,
                                     const std::vector<CredentialResult>& reported,
                                     std::string& nonce, std::vector<CredentialResult>& out) {
  const auto id_token = common::GetString(receipt, "id_token");
  const auto vp_token = ReceiptVpToken(receipt);
  if (!id_token || !vp_token) {
    return Failure{"receipt_missing", "the receipt lacks id_token or vp_token"};
  }
  nonce = ReceiptNonce(std::string(*id_token));
  if (nonce.empty())
    return Fail(VerifyError::kMalformedToken, "the receipt's id_token has no nonce");
  credentials::PresentationPolicy p{ctx.authority, nonce, policy.requested, ctx.now, 60};
  credentials::PresentationResponse response{std::string(*id_token), *vp_token};
  ReportedOrHttpStatus status(ctx.status, reported);
  auto verified = credentials::ValidatePresentation(response, p, ctx.resolver, status, ctx.domains);
  if (!verified) return Failure{verified.error().code, "receipt: " + verified.error().message};
  if (verified->subject != subject) {
    return Failure{"receipt_mismatch", "the receipt's holder is not the reported subject"};
  }
  for (const auto& d : verified->credentials) out.push_back(FromVerified(d));
  return std::nullopt;
}

void WriteCredential(common::JsonWriter& w, const CredentialResult& r) {
  w->StartObject();
  w->Key("types");
  w->StartArray();
  for (const auto& t : r.types) w.String(t);
  w->EndArray();
  w.Member("issuer", r.issuer);
  w->Key("claims");
  w->StartObject();
  for (const auto& [k, v] : r.claims) {
    w->Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v);
  }
  w->EndObject();
  w.Member("revocationStatus", r.revoked ? "REVOKED" : "VALID");
  w->Key("domainValidation");
  if (r.domain.empty()) {
    w->Null();
  } else {
    w->StartObject();
    w.Member("url", r.domain);
    w->EndObject();
  }
  w->Key("issuanceDate");
  r.iat ? w.String(credentials::IsoTime(*r.iat)) : (void)w->Null();
  w->Key("expirationDate");
  r.exp ? w.String(credentials::IsoTime(*r.exp)) : (void)w->Null();
  if (r.face_score) {
    w->Key("faceCheck");
    w->StartObject();
    w->Key("matchConfidenceScore");
    w->Double(*r.face_score);
    w.Member("sourcePhotoQuality", r.face_quality);
    w->EndObject();
  }
  w->EndObject();
}

std::string ResultJson(const std::string& subject, const std::vector<CredentialResult>& creds) {
  common::JsonWriter w;
  w->StartObject();
  w.Member("subject", subject);
  w->Key("credentials");
  w->StartArray();
  for (const auto& c : creds) WriteCredential(w, c);
  w->EndArray();
  w->EndObject();
  return w.str();
}

Evaluation Error(const Failure& f, std::string nonce = "") {
  return Evaluation{Terminal{"presentation_error", "", f.code, f.message}, std::move(nonce)};
}

}  // namespace

Evaluation EvaluateVerified(const rapidjson::Value& body, const Policy& policy,
                            const EvaluationContext& ctx) {
  const auto subject = common::GetString(body, "subject");
  const auto* data = common::GetArray(body, "verifiedCredentialsData");
  if (!subject || !data) {
    return Error(
        {"malformed_callback", "presentation_verified without subject or verifiedCredentialsData"});
  }
  std::vector<CredentialResult> reported;
  for (const auto& item : data->GetArray()) {
    if (item.IsObject()) reported.push_back(FromCallback(item));
  }
  std::vector<CredentialResult> matched;
  if (auto f = CheckAll(policy, reported, ctx.now, matched)) return Error(*f);
  const auto* receipt = common::GetObject(body, "receipt");
  if (!receipt && policy.include_receipt) {
    return Error({"receipt_missing", "the policy asks for a receipt and the callback has none"});
  }
  if (!receipt)
    return Evaluation{
        Terminal{"presentation_verified", ResultJson(std::string(*subject), matched), "", ""}, ""};
  std::string nonce;
  std::vector<CredentialResult> ours;
  if (auto f = VerifyReceipt(*receipt, std::string(*subject), policy, ctx, matched, nonce, ours))
    return Error(*f, nonce);
  for (size_t i = 0; i < ours.size() && i < matched.size(); ++i) {
    ours[i].face_score = matched[i].face_score;  // FaceCheck is only in the callback
    ours[i].face_quality = matched[i].face_quality;
  }
  std::vector<CredentialResult> rechecked;
  if (auto f = CheckAll(policy, ours, ctx.now, rechecked)) return Error(*f, nonce);
  return Evaluation{
      Terminal{"presentation_verified", ResultJson(std::string(*subject), rechecked), "", ""},
      nonce};
}

}  // namespace vc::verifier
