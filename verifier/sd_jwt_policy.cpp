#include "verifier/sd_jwt_policy.h"

#include <algorithm>
#include <set>

#include "common/http/url.h"
#include "credentials/sd_jwt_vc_issuer.h"

namespace vc::verifier {
namespace {

using credentials::FieldError;
using Err = std::optional<FieldError>;

constexpr const char* kReservedClaims[] = {"iss", "iat",           "nbf",    "exp", "cnf",
                                           "vct", "vct#integrity", "status", "_sd", "_sd_alg"};

Err CheckKeys(const rapidjson::Value& rc, const std::string& path) {
  for (const auto& m : rc.GetObject()) {
    const std::string_view name(m.name.GetString(), m.name.GetStringLength());
    if (name != "format" && name != "id" && name != "vct" && name != "claims" &&
        name != "acceptedIssuers") {
      return FieldError{path + "." + std::string(name),
                        "unknown key for a dc+sd-jwt credential (allowed: format, id, vct, "
                        "claims, acceptedIssuers)"};
    }
  }
  return std::nullopt;
}

// A non-empty array of non-empty strings at rc[name], or (optional) absent.
Err Strings(const rapidjson::Value& rc, const char* name, const std::string& path, bool required,
            std::vector<std::string>& out) {
  const std::string where = path + "." + name;
  if (!rc.HasMember(name)) {
    return required ? Err(FieldError{where, "is required (a non-empty array of strings)"})
                    : std::nullopt;
  }
  const auto* arr = common::GetArray(rc, name);
  if (!arr || arr->Empty()) return FieldError{where, "must be a non-empty array of strings"};
  for (rapidjson::SizeType i = 0; i < arr->Size(); ++i) {
    const auto& v = (*arr)[i];
    if (!v.IsString() || v.GetStringLength() == 0)
      return FieldError{where + "[" + std::to_string(i) + "]", "must be a non-empty string"};
    out.emplace_back(v.GetString(), v.GetStringLength());
  }
  return std::nullopt;
}

Err CheckClaims(const std::vector<std::string>& claims, const std::string& path) {
  std::set<std::string> seen;
  for (size_t i = 0; i < claims.size(); ++i) {
    const std::string where = path + ".claims[" + std::to_string(i) + "]";
    const auto& c = claims[i];
    if (std::find(std::begin(kReservedClaims), std::end(kReservedClaims), c) !=
        std::end(kReservedClaims)) {
      return FieldError{where, "`" + c + "` is a claim of the SD-JWT VC itself, never disclosed"};
    }
    if (!seen.insert(c).second) return FieldError{where, "`" + c + "` is named twice"};
  }
  return std::nullopt;
}

bool IsLoopbackHost(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "[::1]";
}

// Port 0 stands for a server not yet bound (publicBaseUrl "http://127.0.0.1:0"
// in tests and `--listen 127.0.0.1:0`): policies are checked before the port is
// known and rebased after (common::RebasePublicBaseUrl). Checked as port 1.
std::string WithoutPortZero(const std::string& url) {
  const size_t start = url.find("://");
  if (start == std::string::npos) return url;
  const size_t end = url.find('/', start + 3);
  const size_t authority_end = end == std::string::npos ? url.size() : end;
  if (authority_end < 2 || url.compare(authority_end - 2, 2, ":0") != 0) return url;
  return url.substr(0, authority_end - 1) + "1" + url.substr(authority_end);
}

}  // namespace

bool IsAcceptableSdJwtIssuer(const std::string& issuer) {
  if (issuer.starts_with("did:")) return issuer.find(':', 4) != std::string::npos;
  const std::string probe = WithoutPortZero(issuer);
  if (!credentials::JwtVcIssuerMetadataUrl(probe)) return false;
  auto url = common::ParseUrl(probe);
  return url->scheme == "https" || IsLoopbackHost(url->host);
}

Err ParseSdJwtRequest(const rapidjson::Value& rc, const std::string& path, size_t index,
                      SdJwtRequest& out) {
  if (auto f = CheckKeys(rc, path)) return f;
  out.id = "cred" + std::to_string(index);
  if (rc.HasMember("id")) {
    const auto id = common::GetString(rc, "id");
    if (!id || !credentials::IsDcqlId(*id))
      return FieldError{path + ".id", "must be 1-64 of A-Z a-z 0-9 _ -"};
    out.id = std::string(*id);
  }
  if (auto f = Strings(rc, "vct", path, true, out.vct)) return f;
  if (auto f = Strings(rc, "claims", path, false, out.claims)) return f;
  if (auto f = CheckClaims(out.claims, path)) return f;
  if (auto f = Strings(rc, "acceptedIssuers", path, true, out.accepted_issuers)) return f;
  for (size_t i = 0; i < out.accepted_issuers.size(); ++i) {
    if (!IsAcceptableSdJwtIssuer(out.accepted_issuers[i])) {
      return FieldError{path + ".acceptedIssuers[" + std::to_string(i) + "]",
                        "must be a DID or an https issuer URL without query or fragment "
                        "(http only on a loopback host)"};
    }
  }
  return std::nullopt;
}

void WriteSdJwtRequest(common::JsonWriter& w, const SdJwtRequest& r) {
  auto strings = [&w](const char* key, const std::vector<std::string>& values) {
    w->Key(key);
    w->StartArray();
    for (const auto& v : values) w.String(v);
    w->EndArray();
  };
  w->StartObject();
  w.Member("format", credentials::kSdJwtVcFormat);
  w.Member("id", r.id);
  strings("vct", r.vct);
  if (!r.claims.empty()) strings("claims", r.claims);
  strings("acceptedIssuers", r.accepted_issuers);
  w->EndObject();
}

std::vector<credentials::DcqlCredentialQuery> DcqlQueries(
    const std::vector<SdJwtRequest>& requests) {
  std::vector<credentials::DcqlCredentialQuery> out;
  for (const auto& r : requests) {
    credentials::DcqlCredentialQuery q;
    q.id = r.id;
    q.vct_values = r.vct;
    for (const auto& c : r.claims) q.claims.push_back({c});
    out.push_back(std::move(q));
  }
  return out;
}

}  // namespace vc::verifier
