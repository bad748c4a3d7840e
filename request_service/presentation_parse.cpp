// createPresentationRequest: requestedCredentials, constraints, validation
// settings and the FaceCheck refusal.
#include "common/json.h"
#include "request_service/request_parse.h"

namespace vc::request_service {
namespace {

using credentials::Constraint;
using credentials::RequestedCredential;

std::optional<ApiFailure> ParseStringArray(const rapidjson::Value& obj, const char* name, const std::string& path,
                                           std::vector<std::string>& out) {
  if (!obj.HasMember(name)) return std::nullopt;
  const auto* arr = common::GetArray(obj, name);
  if (!arr) return BadField(path, path + " must be an array of strings.");
  for (const auto& v : arr->GetArray()) {
    if (!v.IsString()) return BadField(path, path + " must be an array of strings.");
    out.emplace_back(v.GetString(), v.GetStringLength());
  }
  return std::nullopt;
}

std::optional<ApiFailure> ParseConstraint(const rapidjson::Value& c, const std::string& path, Constraint& out) {
  if (!c.IsObject()) return BadField(path, path + " must be an object.");
  const auto name = common::GetString(c, "claimName");
  if (!name || name->empty()) return BadField(path + ".claimName", "A constraint needs a claimName.");
  out.claim_name = std::string(*name);
  const int operands = (c.HasMember("values") ? 1 : 0) + (c.HasMember("contains") ? 1 : 0) +
                       (c.HasMember("startsWith") ? 1 : 0);
  if (operands != 1) {
    return BadField(path, "A constraint needs exactly one of values, contains or startsWith.");
  }
  if (auto f = ParseStringArray(c, "values", path + ".values", out.values)) return f;
  if (c.HasMember("values") && out.values.empty()) return BadField(path + ".values", "values must not be empty.");
  for (const char* op : {"contains", "startsWith"}) {
    if (!c.HasMember(op)) continue;
    const auto v = common::GetString(c, op);
    if (!v) return BadField(path + "." + op, std::string(op) + " must be a string.");
    (std::string_view(op) == "contains" ? out.contains : out.starts_with) = std::string(*v);
  }
  return std::nullopt;
}

std::optional<ApiFailure> ParseFaceCheck(const rapidjson::Value& fc, const std::string& path, bool receipt) {
  if (!fc.IsObject()) return BadField(path, "faceCheck must be an object.");
  if (!common::GetString(fc, "sourcePhotoClaimName")) {
    return BadField(path + ".sourcePhotoClaimName", "faceCheck.sourcePhotoClaimName is mandatory.");
  }
  if (fc.HasMember("matchConfidenceThreshold")) {
    const auto t = common::GetInt64(fc, "matchConfidenceThreshold");
    if (!t || *t < 50 || *t > 100) {
      return BadField(path + ".matchConfidenceThreshold", "matchConfidenceThreshold must be an integer from 50 to 100.");
    }
  }
  if (receipt) return BadField("includeReceipt", "includeReceipt must be false when faceCheck is requested.");
  return ApiFailure{400, "faceCheckNotSupported",
                    "FaceCheck cannot be performed by this embedded Request Service (it has no face-matching "
                    "service). Remove faceCheck, or use Microsoft Entra Verified ID for FaceCheck.",
                    path};
}

std::optional<ApiFailure> ParseValidation(const rapidjson::Value& rc, const std::string& path, bool receipt,
                                          RequestedCredential& out) {
  if (!rc.HasMember("configuration")) return std::nullopt;
  const auto* conf = common::GetObject(rc, "configuration");
  if (!conf) return BadField(path + ".configuration", "configuration must be an object.");
  if (!conf->HasMember("validation")) return std::nullopt;
  const auto* v = common::GetObject(*conf, "validation");
  const std::string vpath = path + ".configuration.validation";
  if (!v) return BadField(vpath, "configuration.validation must be an object.");
  for (auto [name, dest] : {std::pair{"allowRevoked", &out.allow_revoked},
                            std::pair{"validateLinkedDomain", &out.validate_linked_domain}}) {
    if (v->HasMember(name) && !(*v)[name].IsBool()) {
      return BadField(vpath + "." + name, std::string("The request contains `") + name + "`, but it is not boolean.");
    }
    if (v->HasMember(name)) *dest = (*v)[name].GetBool();
  }
  if (v->HasMember("faceCheck")) return ParseFaceCheck((*v)["faceCheck"], vpath + ".faceCheck", receipt);
  return std::nullopt;
}

std::optional<ApiFailure> ParseRequested(const rapidjson::Value& rc, const std::string& path, bool receipt,
                                         RequestedCredential& out) {
  if (!rc.IsObject()) return BadField(path, path + " must be an object.");
  const auto type = common::GetString(rc, "type");
  if (!type || type->empty()) return BadField(path + ".type", "Each requested credential needs a type.");
  out.type = std::string(*type);
  if (rc.HasMember("purpose") && !rc["purpose"].IsString()) return BadField(path + ".purpose", "purpose must be a string.");
  out.purpose = std::string(common::GetString(rc, "purpose").value_or(""));
  if (auto f = ParseStringArray(rc, "acceptedIssuers", path + ".acceptedIssuers", out.accepted_issuers)) return f;
  for (const auto& i : out.accepted_issuers) {
    if (!i.starts_with("did:")) return BadField(path + ".acceptedIssuers", "acceptedIssuers must be DIDs.");
  }
  if (rc.HasMember("constraints")) {
    const auto* cs = common::GetArray(rc, "constraints");
    if (!cs) return BadField(path + ".constraints", "constraints must be an array.");
    for (rapidjson::SizeType i = 0; i < cs->Size(); ++i) {
      Constraint c;
      const std::string cpath = path + ".constraints[" + std::to_string(i) + "]";
      if (auto f = ParseConstraint((*cs)[i], cpath, c)) return f;
      out.constraints.push_back(std::move(c));
    }
  }
  return ParseValidation(rc, path, receipt, out);
}

}  // namespace

ApiResult<PresentationSpec> ParsePresentationRequest(const std::string& body) {
  auto doc = detail::ParseBody(body);
  if (!doc.ok()) return doc.failure();
  const auto& b = *doc;
  PresentationSpec s;
  if (auto f = detail::ParseOptionalBool(b, "includeQRCode", s.include_qr)) return *f;
  if (auto f = detail::ParseOptionalBool(b, "includeReceipt", s.include_receipt)) return *f;
  if (auto f = detail::ParseCallback(b, s.callback)) return *f;
  if (auto f = detail::ParseAuthority(b, s.authority)) return *f;
  if (auto f = detail::ParseRegistration(b, s.client_name, &s.purpose)) return *f;
  const auto* rcs = common::GetArray(b, "requestedCredentials");
  if (!rcs || rcs->Empty()) {
    return BadField("requestedCredentials", "The request needs a non-empty requestedCredentials array.");
  }
  for (rapidjson::SizeType i = 0; i < rcs->Size(); ++i) {
    credentials::RequestedCredential rc;
    const std::string path = "requestedCredentials[" + std::to_string(i) + "]";
    if (auto f = ParseRequested((*rcs)[i], path, s.include_receipt, rc)) return *f;
    s.requested.push_back(std::move(rc));
  }
  return s;
}

}  // namespace vc::request_service
