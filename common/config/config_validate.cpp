// The second pass over a parsed configuration: defaults that depend on other
// sections, cross-references between sections, and production-only rules.
#include <set>

#include "common/base/json.h"
#include "common/config/internal/config_internal.h"

namespace vc::common::config_internal {
namespace {

std::string IndexPath(const char* list, size_t i, const char* key) {
  return std::string(list) + "[" + std::to_string(i) + "]." + key;
}

// An unset reference takes the only candidate; a set one must exist.
template <typename Exists>
void ResolveReference(std::string& ref, const std::string& path, size_t count,
                      const std::string& only, const char* what, Exists exists) {
  if (ref.empty()) {
    if (count != 1) {
      throw ConfigError(path, std::string("is required when ") + std::to_string(count) + " " +
                                  what + "s are configured");
    }
    ref = only;
    return;
  }
  if (!exists(ref)) throw ConfigError(path, std::string("unknown ") + what + " \"" + ref + "\"");
}

void ResolveProofing(const Config& c, std::string& ref, const std::string& path) {
  const std::string only =
      c.proofing_providers.size() == 1 ? c.proofing_providers.begin()->first : "";
  ResolveReference(ref, path, c.proofing_providers.size(), only, "proofing provider",
                   [&](const std::string& name) { return c.proofing_providers.count(name) > 0; });
}

void CompleteOrgs(Config& c, const Context& ctx) {
  for (size_t i = 0; i < c.orgs.size(); ++i) {
    OrgConfig& org = c.orgs[i];
    ResolveProofing(c, org.proofing, IndexPath("orgs", i, "proofing"));
    const std::string only = c.contracts.size() == 1 ? c.contracts.front().id : "";
    ResolveReference(org.contract, IndexPath("orgs", i, "contract"), c.contracts.size(), only,
                     "contract", [&](const std::string& id) { return c.FindContract(id); });
    const OrgKeys& k = org.keys;
    if (ctx.production() && k.jwks_uri.empty() && k.jwks.empty() && k.pem_files.empty()) {
      throw ConfigError(IndexPath("orgs", i, "keys"),
                        "one of jwksUri, jwks or pemFiles is required in production");
    }
  }
  for (size_t i = 0; i < c.auth0.size(); ++i) {
    ResolveProofing(c, c.auth0[i].proofing, IndexPath("auth0", i, "proofing"));
    const std::string& contract = c.auth0[i].contract;
    if (!contract.empty() && c.FindContract(contract) == nullptr) {
      throw ConfigError(IndexPath("auth0", i, "contract"), "unknown contract \"" + contract + "\"");
    }
  }
  for (size_t i = 0; i < c.api_keys.size(); ++i) {
    const std::string& org = c.api_keys[i].org;
    if (!org.empty() && c.FindOrg(org) == nullptr) {
      throw ConfigError(IndexPath("apiKeys", i, "org"), "unknown org \"" + org + "\"");
    }
  }
}

void CompleteRequestService(Config& c) {
  RequestServiceConfig& rs = c.request_service;
  if (rs.mode == RequestServiceMode::kRemote) {
    const std::pair<const char*, const std::string*> required[] = {
        {"baseUrl", &rs.base_url},
        {"tokenUrl", &rs.token_url},
        {"clientId", &rs.client_id},
        {"clientSecret", &rs.client_secret},
        {"authority", &rs.authority}};
    for (const auto& [key, value] : required) {
      if (value->empty()) {
        throw ConfigError(std::string("requestService.") + key, "is required in remote mode");
      }
    }
    return;
  }
  for (ContractConfig& contract : c.contracts) {
    if (contract.manifest_url.empty()) {
      contract.manifest_url = c.public_base_url + "/v1.0/tenants/" + rs.tenant_id +
                              "/verifiableCredentials/contracts/" + contract.id + "/manifest";
    }
  }
  if (rs.base_url.empty()) rs.base_url = c.public_base_url + "/v1.0";
  if (rs.token_url.empty()) rs.token_url = c.public_base_url + "/oauth2/v2.0/token";
  if (rs.authority.empty()) rs.authority = DidWebFromUrl(c.public_base_url);
}

// Remote mode: a contract that is issued must say where its manifest is.
void RequireManifests(const Config& c) {
  if (c.request_service.mode != RequestServiceMode::kRemote) return;
  std::set<std::string> issued;
  for (const OrgConfig& org : c.orgs) {
    if (org.issue_credential) issued.insert(org.contract);
  }
  for (const Auth0Config& a : c.auth0) {
    if (!a.contract.empty()) issued.insert(a.contract);
  }
  for (size_t i = 0; i < c.contracts.size(); ++i) {
    if (c.contracts[i].manifest_url.empty() && issued.count(c.contracts[i].id) > 0) {
      throw ConfigError(IndexPath("contracts", i, "manifestUrl"),
                        "is required when requestService.mode is remote (the contract's "
                        "manifest URL at the Request Service)");
    }
  }
}

// The built-in demo policy accepts what this process issues: VC-JWTs of its
// embedded Request Service (whose authority is only known once publicBaseUrl
// is) and, where the verifier can take this URL as an SD-JWT VC issuer (https,
// or http on a loopback host), SD-JWT VCs of its OpenID4VCI issuer with the
// default contract's vct.
void CompleteDefaultPolicy(Config& c) {
  if (!c.verifier.default_policies) return;
  const std::optional<HttpUrl> base = ParseHttpUrl(c.public_base_url);
  const bool sd_jwt_issuer = base && (base->scheme == "https" || base->host == "127.0.0.1" ||
                                      base->host == "localhost" || base->host == "[::1]");
  for (auto& p : c.verifier.policies) {
    auto doc = std::make_shared<rapidjson::Document>();
    auto& alloc = doc->GetAllocator();
    doc->CopyFrom(p.node.value(), alloc);
    auto& list = (*doc)["requestedCredentials"];
    auto strings = [&alloc](const std::string& value) {
      rapidjson::Value a(rapidjson::kArrayType);
      a.PushBack(rapidjson::Value(value.c_str(), alloc), alloc);
      return a;
    };
    if (!c.request_service.authority.empty()) {
      for (auto& rc : list.GetArray())
        rc.AddMember("acceptedIssuers", strings(c.request_service.authority), alloc);
    }
    if (sd_jwt_issuer) {
      rapidjson::Value rc(rapidjson::kObjectType);
      rc.AddMember("format", "dc+sd-jwt", alloc);
      rc.AddMember("id", "identity", alloc);
      rc.AddMember("vct", strings(c.public_base_url + kDefaultVctPath), alloc);
      rc.AddMember("claims", strings("realName"), alloc);
      rc.AddMember("acceptedIssuers", strings(c.public_base_url), alloc);
      list.PushBack(rc, alloc);
    }
    p.node = ConfigNode(std::shared_ptr<const rapidjson::Document>(std::move(doc)), p.node.path());
  }
}

}  // namespace

void CompleteAndValidate(Config& c, const Context& ctx) {
  CheckUrlAt("publicBaseUrl", c.public_base_url, ctx.production(), true);
  std::optional<HttpUrl> base = ParseHttpUrl(c.public_base_url);
  if (base->has_query) throw ConfigError("publicBaseUrl", "must not contain a query");
  CompleteRequestService(c);
  if (c.verifier.authority.empty()) c.verifier.authority = DidWebFromUrl(c.public_base_url);
  CompleteDefaultPolicy(c);
  CompleteOrgs(c, ctx);
  RequireManifests(c);
  CheckOutboundTargets(c);
}

}  // namespace vc::common::config_internal
