#include "credentials/presentation_request.h"

#include <cctype>
#include <string_view>
#include <utility>

namespace vc::credentials {
namespace {

using Err = std::optional<FieldError>;

Err Bad(std::string path, std::string message) {
  return FieldError{std::move(path), std::move(message)};
}

Err TooLong(const std::string& path, size_t max) {
  return Bad(path, path + " is longer than " + std::to_string(max) + " bytes.");
}

Err ParseStringArray(const rapidjson::Value& obj, const char* name, const std::string& path,
                     std::vector<std::string>& out, size_t max_bytes) {
  if (!obj.HasMember(name)) return std::nullopt;
  const auto* arr = common::GetArray(obj, name);
  if (!arr) return Bad(path, path + " must be an array of strings.");
  if (arr->Size() > kMaxListItems) {
    return Bad(path, path + " has more than " + std::to_string(kMaxListItems) + " items.");
  }
  for (const auto& v : arr->GetArray()) {
    if (!v.IsString()) return Bad(path, path + " must be an array of strings.");
    if (v.GetStringLength() > max_bytes) return TooLong(path, max_bytes);
    out.emplace_back(v.GetString(), v.GetStringLength());
  }
  return std::nullopt;
}

Err ParseConstraint(const rapidjson::Value& c, const std::string& path, Constraint& out) {
  if (!c.IsObject()) return Bad(path, path + " must be an object.");
  const auto name = common::GetString(c, "claimName");
  if (!name || name->empty()) return Bad(path + ".claimName", "A constraint needs a claimName.");
  if (name->size() > kMaxTypeBytes) return TooLong(path + ".claimName", kMaxTypeBytes);
  out.claim_name = std::string(*name);
  const int operands = (c.HasMember("values") ? 1 : 0) + (c.HasMember("contains") ? 1 : 0) +
                       (c.HasMember("startsWith") ? 1 : 0);
  if (operands != 1)
    return Bad(path, "A constraint needs exactly one of values, contains or startsWith.");
  if (auto f = ParseStringArray(c, "values", path + ".values", out.values, kMaxValueBytes))
    return f;
  if (c.HasMember("values") && out.values.empty())
    return Bad(path + ".values", "values must not be empty.");
  for (const char* op : {"contains", "startsWith"}) {
    if (!c.HasMember(op)) continue;
    const auto v = common::GetString(c, op);
    if (!v) return Bad(path + "." + op, std::string(op) + " must be a string.");
    if (v->size() > kMaxValueBytes) return TooLong(path + "." + op, kMaxValueBytes);
    (std::string_view(op) == "contains" ? out.contains : out.starts_with) = std::string(*v);
  }
  return std::nullopt;
}

Err ParseFaceCheck(const rapidjson::Value& fc, const std::string& path, const std::string& prefix,
                   bool receipt, RequestedCredential& out) {
  if (!fc.IsObject()) return Bad(path, "faceCheck must be an object.");
  const auto photo = common::GetString(fc, "sourcePhotoClaimName");
  if (!photo || photo->empty()) {
    return Bad(path + ".sourcePhotoClaimName", "faceCheck.sourcePhotoClaimName is mandatory.");
  }
  if (photo->size() > kMaxTypeBytes) return TooLong(path + ".sourcePhotoClaimName", kMaxTypeBytes);
  FaceCheck face{std::string(*photo), 70};
  if (fc.HasMember("matchConfidenceThreshold")) {
    const auto t = common::GetInt64(fc, "matchConfidenceThreshold");
    if (!t || *t < 50 || *t > 100) {
      return Bad(path + ".matchConfidenceThreshold",
                 "matchConfidenceThreshold must be an integer from 50 to 100.");
    }
    face.match_confidence_threshold = static_cast<int>(*t);
  }
  if (receipt)
    return Bad(prefix + "includeReceipt",
               "includeReceipt must be false when faceCheck is requested.");
  out.face_check = std::move(face);
  return std::nullopt;
}

Err ParseValidation(const rapidjson::Value& rc, const std::string& path, const std::string& prefix,
                    bool receipt, RequestedCredential& out) {
  if (!rc.HasMember("configuration")) return std::nullopt;
  const auto* conf = common::GetObject(rc, "configuration");
  if (!conf) return Bad(path + ".configuration", "configuration must be an object.");
  if (!conf->HasMember("validation")) return std::nullopt;
  const auto* v = common::GetObject(*conf, "validation");
  const std::string vpath = path + ".configuration.validation";
  if (!v) return Bad(vpath, "configuration.validation must be an object.");
  for (auto [name, dest] : {std::pair{"allowRevoked", &out.allow_revoked},
                            std::pair{"validateLinkedDomain", &out.validate_linked_domain}}) {
    if (v->HasMember(name) && !(*v)[name].IsBool()) {
      return Bad(vpath + "." + name,
                 std::string("The request contains `") + name + "`, but it is not boolean.");
    }
    if (v->HasMember(name)) *dest = (*v)[name].GetBool();
  }
  if (v->HasMember("faceCheck"))
    return ParseFaceCheck((*v)["faceCheck"], vpath + ".faceCheck", prefix, receipt, out);
  return std::nullopt;
}

Err ParseRequested(const rapidjson::Value& rc, const std::string& path, const std::string& prefix,
                   bool receipt, RequestedCredential& out) {
  if (!rc.IsObject()) return Bad(path, path + " must be an object.");
  const auto type = common::GetString(rc, "type");
  if (!type || type->empty()) return Bad(path + ".type", "Each requested credential needs a type.");
  if (type->size() > kMaxTypeBytes) return TooLong(path + ".type", kMaxTypeBytes);
  out.type = std::string(*type);
  if (rc.HasMember("purpose") && !rc["purpose"].IsString())
    return Bad(path + ".purpose", "purpose must be a string.");
  out.purpose = std::string(common::GetString(rc, "purpose").value_or(""));
  if (out.purpose.size() > kMaxPurposeBytes) return TooLong(path + ".purpose", kMaxPurposeBytes);
  if (auto f = ParseStringArray(rc, "acceptedIssuers", path + ".acceptedIssuers",
                                out.accepted_issuers, kMaxDidBytes))
    return f;
  for (const auto& i : out.accepted_issuers) {
    if (!i.starts_with("did:"))
      return Bad(path + ".acceptedIssuers", "acceptedIssuers must be DIDs.");
  }
  if (rc.HasMember("constraints")) {
    const auto* cs = common::GetArray(rc, "constraints");
    if (!cs) return Bad(path + ".constraints", "constraints must be an array.");
    if (cs->Size() > kMaxListItems) {
      return Bad(path + ".constraints",
                 "constraints has more than " + std::to_string(kMaxListItems) + " items.");
    }
    for (rapidjson::SizeType i = 0; i < cs->Size(); ++i) {
      Constraint c;
      const std::string cpath = path + ".constraints[" + std::to_string(i) + "]";
      if (auto f = ParseConstraint((*cs)[i], cpath, c)) return f;
      out.constraints.push_back(std::move(c));
    }
  }
  return ParseValidation(rc, path, prefix, receipt, out);
}

void WriteValidation(common::JsonWriter& w, const RequestedCredential& rc) {
  w->Key("configuration");
  w->StartObject();
  w->Key("validation");
  w->StartObject();
  w.Member("allowRevoked", rc.allow_revoked);
  w.Member("validateLinkedDomain", rc.validate_linked_domain);
  if (rc.face_check) {
    w->Key("faceCheck");
    w->StartObject();
    w.Member("sourcePhotoClaimName", rc.face_check->source_photo_claim_name);
    w.Member("matchConfidenceThreshold", rc.face_check->match_confidence_threshold);
    w->EndObject();
  }
  w->EndObject();
  w->EndObject();
}

// `s` as an ECMA-262 pattern matching it literally, ASCII case-insensitively.
std::string CaseInsensitiveLiteral(std::string_view s) {
  std::string out;
  for (char c : s) {
    const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (static_cast<unsigned char>(c) < 0x80 && lower != upper) {
      out += {'[', lower, upper, ']'};
      continue;
    }
    // ECMA-262 SyntaxCharacter: the only escapes also valid under the u flag.
    if (std::string_view("^$\\.*+?()[]{}|/").find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

void WriteConstraint(common::JsonWriter& w, const Constraint& c) {
  w->StartObject();
  w.Member("claimName", c.claim_name);
  if (!c.values.empty()) {
    w->Key("values");
    w->StartArray();
    for (const auto& v : c.values) w.String(v);
    w->EndArray();
  } else if (c.contains) {
    w.Member("contains", *c.contains);
  } else if (c.starts_with) {
    w.Member("startsWith", *c.starts_with);
  }
  w->EndObject();
}

}  // namespace

std::optional<FieldError> ParseRequestedCredentials(const rapidjson::Value& obj,
                                                    const std::string& prefix, bool include_receipt,
                                                    std::vector<RequestedCredential>& out) {
  const auto* rcs = common::GetArray(obj, "requestedCredentials");
  if (!rcs || rcs->Empty()) {
    return Bad(prefix + "requestedCredentials",
               "A non-empty requestedCredentials array is required.");
  }
  if (rcs->Size() > kMaxListItems) {
    return Bad(prefix + "requestedCredentials",
               "requestedCredentials has more than " + std::to_string(kMaxListItems) + " items.");
  }
  for (rapidjson::SizeType i = 0; i < rcs->Size(); ++i) {
    RequestedCredential rc;
    const std::string path = prefix + "requestedCredentials[" + std::to_string(i) + "]";
    if (auto f = ParseRequestedCredential((*rcs)[i], path, prefix, include_receipt, rc)) return f;
    out.push_back(std::move(rc));
  }
  return std::nullopt;
}

std::optional<FieldError> ParseRequestedCredential(const rapidjson::Value& rc,
                                                   const std::string& path,
                                                   const std::string& prefix, bool include_receipt,
                                                   RequestedCredential& out) {
  return ParseRequested(rc, path, prefix, include_receipt, out);
}

std::optional<FieldError> ParseRegistration(const rapidjson::Value& obj, const std::string& prefix,
                                            Registration& out) {
  const auto* reg = common::GetObject(obj, "registration");
  if (!reg) return Bad(prefix + "registration", "A registration object is required.");
  const auto n = common::GetString(*reg, "clientName");
  if (!n || n->empty()) {
    return Bad(prefix + "registration.clientName",
               "registration.clientName must be a non-empty string.");
  }
  if (n->size() > kMaxClientNameBytes)
    return TooLong(prefix + "registration.clientName", kMaxClientNameBytes);
  out.client_name = std::string(*n);
  if (reg->HasMember("purpose")) {
    const auto p = common::GetString(*reg, "purpose");
    if (!p) return Bad(prefix + "registration.purpose", "registration.purpose must be a string.");
    if (p->size() > kMaxPurposeBytes)
      return TooLong(prefix + "registration.purpose", kMaxPurposeBytes);
    out.purpose = std::string(*p);
  }
  return std::nullopt;
}

std::string ConstraintPattern(const Constraint& c) {
  if (!c.values.empty()) {
    std::string alt;
    for (const auto& v : c.values) alt += (alt.empty() ? "" : "|") + CaseInsensitiveLiteral(v);
    return "^(" + alt + ")$";
  }
  if (c.contains) return CaseInsensitiveLiteral(*c.contains);
  return "^" + CaseInsensitiveLiteral(c.starts_with.value_or(""));
}

void WriteRequestedCredential(common::JsonWriter& w, const RequestedCredential& rc) {
  w->StartObject();
  w.Member("type", rc.type);
  if (!rc.purpose.empty()) {
    w.Member("purpose", rc.purpose);
  }
  w->Key("acceptedIssuers");
  w->StartArray();
  for (const auto& i : rc.accepted_issuers) w.String(i);
  w->EndArray();
  if (!rc.constraints.empty()) {
    w->Key("constraints");
    w->StartArray();
    for (const auto& c : rc.constraints) WriteConstraint(w, c);
    w->EndArray();
  }
  WriteValidation(w, rc);
  w->EndObject();
}

void WriteRequestedCredentials(common::JsonWriter& w,
                               const std::vector<RequestedCredential>& requested) {
  w->StartArray();
  for (const auto& rc : requested) WriteRequestedCredential(w, rc);
  w->EndArray();
}

}  // namespace vc::credentials
