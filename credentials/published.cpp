#include "credentials/published.h"

#include "common/base/json.h"
#include "common/base/log.h"
#include "credentials/vc_json.h"

namespace vc::credentials {
using common::Error;
using common::JsonWriter;
using common::Result;

namespace {

constexpr const char* kDidConfigContext =
    "https://identity.foundation/.well-known/contexts/did-configuration-v0.0.jsonld";

void WriteTimes(JsonWriter& w, int64_t iat, int64_t exp) {
  w.Member("iat", iat);
  w.Member("nbf", iat);
  w.Member("exp", exp);
}

std::vector<std::string> LinkedOrigins(const std::string& document_json) {
  std::vector<std::string> out;
  auto doc = common::ParseJsonObject(document_json, {256 * 1024, 16});
  const auto* services = doc ? common::GetArray(*doc, "service") : nullptr;
  if (!services) return out;
  for (const auto& s : services->GetArray()) {
    if (common::GetString(s, "type").value_or("") != "LinkedDomains") continue;
    const auto* ep = common::GetObject(s, "serviceEndpoint");
    const auto* origins = ep ? common::GetArray(*ep, "origins") : nullptr;
    if (auto single = common::GetString(s, "serviceEndpoint")) out.emplace_back(*single);
    if (!origins) continue;
    for (const auto& o : origins->GetArray()) {
      if (o.IsString()) out.emplace_back(o.GetString(), o.GetStringLength());
    }
  }
  return out;
}

std::string TrimSlash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

Result<std::string> IssueDomainLinkage(const std::string& did, const std::string& origin,
                                       const Signer& signer, int64_t iat, int64_t exp) {
  JsonWriter w;
  w->StartObject();
  w.Member("sub", did);
  w.Member("iss", did);
  WriteTimes(w, iat, exp);
  w->Key("vc");
  w->StartObject();
  WriteContext(w, {kDidConfigContext});
  w.Member("issuer", did);
  w.Member("issuanceDate", IsoTime(iat));
  w.Member("expirationDate", IsoTime(exp));
  WriteTypes(w, {"VerifiableCredential", "DomainLinkageCredential"});
  w->Key("credentialSubject");
  w->StartObject();
  w.Member("id", did);
  w.Member("origin", origin);
  w->EndObject();
  w->EndObject();
  w->EndObject();
  return common::SignCompact(signer.key, signer.alg, w.str(), {"JWT", signer.kid, ""});
}

std::string DidConfigurationJson(const std::string& linkage_jwt) {
  JsonWriter w;
  w->StartObject();
  w.Member("@context", kDidConfigContext);
  w->Key("linked_dids");
  w->StartArray();
  w.String(linkage_jwt);
  w->EndArray();
  w->EndObject();
  return w.str();
}

Result<std::string> IssueStatusListCredential(const std::string& issuer, const std::string& url,
                                              const StatusList& list, const Signer& signer,
                                              int64_t iat, int64_t exp) {
  JsonWriter w;
  w->StartObject();
  w.Member("iss", issuer);
  w.Member("sub", url);
  w.Member("jti", url);
  WriteTimes(w, iat, exp);
  w->Key("vc");
  w->StartObject();
  WriteContext(w, {kStatusListContext});
  WriteTypes(w, {"VerifiableCredential", "BitstringStatusListCredential"});
  w->Key("credentialSubject");
  w->StartObject();
  w.Member("id", url);  // = sub: VCDM 1.1's JWT mapping
  w.Member("type", "BitstringStatusList");
  w.Member("statusPurpose", "revocation");
  w.Member("encodedList", list.Encode());
  w->EndObject();
  w->EndObject();
  w->EndObject();
  return common::SignCompact(signer.key, signer.alg, w.str(), {"JWT", signer.kid, ""});
}

namespace {

// The statusListCredential URL comes with the credential: whatever went wrong
// fetching or reading it, the presenter is told the same (the log says what).
Error StatusUnavailable(const std::string& why) {
  common::LogInfo("status_list_unavailable", {{"reason", why.substr(0, 200)}});
  return Error{"status_unavailable", "the status list could not be retrieved or verified"};
}

}  // namespace

Result<bool> HttpStatusChecker::IsRevoked(const std::string& issuer, const StatusEntry& entry) {
  if (!entry.list_url.starts_with("https://") && !entry.list_url.starts_with("http://")) {
    return Error{"status_unavailable", "statusListCredential is not an http(s) URL"};
  }
  auto response = common::Get(http_, entry.list_url);
  if (!response) return StatusUnavailable(response.error().code);
  if (response->status != 200) return StatusUnavailable("HTTP " + std::to_string(response->status));
  auto vc = VerifyVcJwt(response->body, resolver_, clock_.NowSeconds());
  if (!vc) return StatusUnavailable(vc.error().message);
  if (vc->issuer != issuer) return StatusUnavailable("the list is not from the VC's issuer");
  for (const auto& [k, v] : vc->claims) {
    if (k != "encodedList") continue;
    auto list = StatusList::Decode(v);
    if (!list) return StatusUnavailable(list.error().message);
    if (static_cast<size_t>(entry.index) >= list->size()) {
      return Error{"status_unavailable", "statusListIndex is outside the list"};
    }
    return list->Get(static_cast<size_t>(entry.index));
  }
  return StatusUnavailable("no encodedList");
}

Result<std::string> HttpLinkedDomainChecker::Verify(const std::string& did) {
  auto doc = resolver_.Resolve(did);
  if (!doc) return doc.error();
  for (const auto& origin : LinkedOrigins(doc->document_json)) {
    if (OriginLinked(did, origin)) return origin;
  }
  return Error{"linked_domain_unverified", "no linked domain of " + did + " verified"};
}

bool HttpLinkedDomainChecker::OriginLinked(const std::string& did, const std::string& origin) {
  auto response = common::Get(http_, TrimSlash(origin) + "/.well-known/did-configuration.json");
  if (!response || response->status != 200) return false;
  auto config = common::ParseJsonObject(response->body);
  const auto* linked = config ? common::GetArray(*config, "linked_dids") : nullptr;
  if (!linked) return false;
  for (const auto& jwt : linked->GetArray()) {
    if (!jwt.IsString()) continue;
    auto vc = VerifyVcJwt(std::string_view(jwt.GetString(), jwt.GetStringLength()), resolver_,
                          clock_.NowSeconds());
    if (!vc || vc->issuer != did || vc->subject != did) continue;
    for (const auto& [k, v] : vc->claims) {
      if (k == "origin" && TrimSlash(v) == TrimSlash(origin)) return true;
    }
  }
  return false;
}

}  // namespace vc::credentials
