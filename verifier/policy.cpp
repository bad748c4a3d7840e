#include "verifier/policy.h"

#include "common/config/config.h"

namespace vc::verifier {
namespace {

using credentials::FieldError;

std::optional<FieldError> CheckKeys(const rapidjson::Value& obj, const std::string& prefix) {
  for (const auto& m : obj.GetObject()) {
    const std::string_view name(m.name.GetString(), m.name.GetStringLength());
    if (name != "id" && name != "requestedCredentials" && name != "registration" &&
        name != "includeReceipt") {
      return FieldError{
          prefix + std::string(name),
          "unknown key (allowed: id, requestedCredentials, registration, includeReceipt)"};
    }
  }
  return std::nullopt;
}

bool SafeId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::optional<FieldError> ParseOne(const rapidjson::Value& rc, const std::string& path,
                                   const std::string& prefix, size_t index, Policy& out) {
  if (!rc.IsObject()) return FieldError{path, path + " must be an object."};
  std::string format = "jwt_vc_json";
  if (rc.HasMember("format")) {
    const auto f = common::GetString(rc, "format");
    if (!f || (*f != "jwt_vc_json" && *f != credentials::kSdJwtVcFormat))
      return FieldError{path + ".format", "must be jwt_vc_json (Entra) or dc+sd-jwt (OpenID4VP)"};
    format = std::string(*f);
  }
  if (format == credentials::kSdJwtVcFormat) {
    SdJwtRequest r;
    if (auto f = ParseSdJwtRequest(rc, path, index, r)) return f;
    for (const auto& other : out.sd_jwt) {
      if (other.id == r.id) return FieldError{path + ".id", "`" + r.id + "` is used twice"};
    }
    out.sd_jwt.push_back(std::move(r));
    return std::nullopt;
  }
  credentials::RequestedCredential c;
  if (auto f = credentials::ParseRequestedCredential(rc, path, prefix, out.include_receipt, c))
    return f;
  out.requested.push_back(std::move(c));
  return std::nullopt;
}

std::optional<FieldError> ParseRequested(const rapidjson::Value& obj, const std::string& prefix,
                                         Policy& out) {
  const auto* rcs = common::GetArray(obj, "requestedCredentials");
  if (!rcs || rcs->Empty()) {
    return FieldError{prefix + "requestedCredentials",
                      "A non-empty requestedCredentials array is required."};
  }
  for (rapidjson::SizeType i = 0; i < rcs->Size(); ++i) {
    const std::string path = prefix + "requestedCredentials[" + std::to_string(i) + "]";
    if (auto f = ParseOne((*rcs)[i], path, prefix, i, out)) return f;
  }
  return std::nullopt;
}

}  // namespace

std::optional<FieldError> ParsePolicy(const rapidjson::Value& obj, const std::string& prefix,
                                      bool require_id, Policy& out) {
  const std::string where = prefix.empty() ? "$" : prefix.substr(0, prefix.size() - 1);
  if (!obj.IsObject()) return FieldError{where, "must be an object"};
  if (auto f = CheckKeys(obj, prefix)) return f;
  if (obj.HasMember("id")) {
    const auto id = common::GetString(obj, "id");
    if (!id || !SafeId(*id)) return FieldError{prefix + "id", "must be 1-64 of A-Z a-z 0-9 - _ ."};
    out.id = std::string(*id);
  } else if (require_id) {
    return FieldError{prefix + "id", "is required"};
  }
  if (obj.HasMember("includeReceipt")) {
    if (!obj["includeReceipt"].IsBool())
      return FieldError{prefix + "includeReceipt", "must be a boolean"};
    out.include_receipt = obj["includeReceipt"].GetBool();
  }
  if (obj.HasMember("registration")) {
    if (auto f = credentials::ParseRegistration(obj, prefix, out.registration)) return f;
  }
  return ParseRequested(obj, prefix, out);
}

std::vector<std::string> OpenIssuerPaths(const Policy& policy, const std::string& prefix) {
  std::vector<std::string> paths;
  for (size_t i = 0; i < policy.requested.size(); ++i) {
    if (policy.requested[i].accepted_issuers.empty()) {
      paths.push_back(prefix + "requestedCredentials[" + std::to_string(i) + "]");
    }
  }
  return paths;
}

std::vector<Policy> LoadPolicies(const common::VerifierConfig& config, bool production) {
  std::vector<Policy> out;
  for (const common::VerifierPolicy& policy : config.policies) {
    const common::ConfigNode& node = policy.node;
    if (!node.value().IsObject()) node.Fail("must be a JSON object");
    Policy p;
    if (auto f = ParsePolicy(node.value(), node.path() + ".", true, p)) {
      throw common::ConfigError(f->path, f->message);
    }
    const auto open = OpenIssuerPaths(p, node.path() + ".");
    if (production && !open.empty()) {
      throw common::ConfigError(open.front() + ".acceptedIssuers",
                                "must name at least one issuer DID in production: without it a "
                                "credential of this type from any issuer is accepted");
    }
    out.push_back(std::move(p));
  }
  return out;
}

std::string PolicyJson(const Policy& p) {
  common::JsonWriter w;
  w->StartObject();
  if (!p.id.empty()) {
    w.Member("id", p.id);
  }
  w.Member("includeReceipt", p.include_receipt);
  w->Key("registration");
  w->StartObject();
  w.Member("clientName", p.registration.client_name);
  if (!p.registration.purpose.empty()) {
    w.Member("purpose", p.registration.purpose);
  }
  w->EndObject();
  w->Key("requestedCredentials");
  w->StartArray();
  for (const auto& rc : p.requested) credentials::WriteRequestedCredential(w, rc);
  for (const auto& rc : p.sd_jwt) WriteSdJwtRequest(w, rc);
  w->EndArray();
  w->EndObject();
  return w.str();
}

}  // namespace vc::verifier
