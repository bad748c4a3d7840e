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
  return credentials::ParseRequestedCredentials(obj, prefix, out.include_receipt, out.requested);
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
  credentials::WriteRequestedCredentials(w, p.requested);
  w->EndObject();
  return w.str();
}

}  // namespace vc::verifier
