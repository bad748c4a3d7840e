// Parsers for the sections of the configuration, one per top-level key.
#include <cctype>
#include <set>

#include "common/config/internal/config_internal.h"

namespace vc::common::config_internal {
namespace {

constexpr int64_t kMaxSeconds = int64_t{10} * 365 * 24 * 3600;

void RequireSafeId(const ConfigNode& node, const char* key, std::string* out) {
  if (!node.String(key, out)) node.FailAt(key, "is required");
  if (!IsSafeId(*out)) node.FailAt(key, "must use only letters, digits, '.', '_' and '-'");
}

OrgKeys ParseOrgKeys(const ConfigNode& keys, const Context& ctx) {
  keys.AllowOnly({"jwksUri", "refreshSeconds", "jwks", "pemFiles"});
  OrgKeys out;
  int sources = 0;
  if (keys.NonEmptyString("jwksUri", &out.jwks_uri)) {
    CheckUrl(keys, "jwksUri", out.jwks_uri, false);
    ++sources;
  }
  keys.Int("refreshSeconds", 10, 7 * 24 * 3600, &out.refresh_seconds);
  if (std::optional<ConfigNode> jwks = keys.Object("jwks")) {
    const rapidjson::Value& v = jwks->value();
    auto it = v.FindMember("keys");
    if (it == v.MemberEnd() || !it->value.IsArray()) jwks->FailAt("keys", "must be an array");
    out.jwks = jwks->Raw();
    ++sources;
  }
  if (keys.Strings("pemFiles", &out.pem_files)) {
    if (out.pem_files.empty()) keys.FailAt("pemFiles", "must not be empty");
    for (std::string& file : out.pem_files) file = ResolvePath(file, ctx);
    ++sources;
  }
  if (sources > 1) keys.Fail("give only one of jwksUri, jwks and pemFiles");
  return out;
}

// "pinLength": 0 (no PIN) or 4..16 digits (Entra's PIN limits, spec §2.3).
void ParsePinLength(const ConfigNode& node, int* out) {
  int64_t length = 0;
  if (!node.Int("pinLength", 0, 16, &length)) return;
  if (length != 0 && length < 4) node.FailAt("pinLength", "must be 0 (no PIN) or 4 to 16");
  *out = static_cast<int>(length);
}

OrgConfig ParseOrg(const ConfigNode& node, const Context& ctx) {
  node.AllowOnly({"id", "name", "redirectUrls", "keys", "maxTokenLifetimeSeconds", "proofing",
                  "contract", "issueCredential", "pinLength", "credentialLifetimeSeconds"});
  OrgConfig org;
  RequireSafeId(node, "id", &org.id);
  if (!node.NonEmptyString("name", &org.name)) org.name = org.id;
  node.Strings("redirectUrls", &org.redirect_urls);
  for (size_t i = 0; i < org.redirect_urls.size(); ++i) {
    CheckUrlAt(node.Child("redirectUrls") + "[" + std::to_string(i) + "]", org.redirect_urls[i],
               ctx.production(), true);
  }
  if (std::optional<ConfigNode> keys = node.Object("keys")) org.keys = ParseOrgKeys(*keys, ctx);
  node.Int("maxTokenLifetimeSeconds", 1, 24 * 3600, &org.max_token_lifetime_seconds);
  node.NonEmptyString("proofing", &org.proofing);
  node.NonEmptyString("contract", &org.contract);
  node.Bool("issueCredential", &org.issue_credential);
  ParsePinLength(node, &org.pin_length);
  node.Int("credentialLifetimeSeconds", 60, kMaxSeconds, &org.credential_lifetime_seconds);
  return org;
}

RequestServiceClient ParseClient(const ConfigNode& node, const Context& ctx) {
  node.AllowOnly({"clientId", "clientSecret", "roles"});
  RequestServiceClient client;
  if (!node.NonEmptyString("clientId", &client.client_id)) node.FailAt("clientId", "is required");
  if (!node.Secret("clientSecret", ctx, &client.client_secret)) {
    node.FailAt("clientSecret", "is required");
  }
  if (!node.Strings("roles", &client.roles)) client.roles = {"VerifiableCredential.Create.All"};
  return client;
}

// The rest of a contract is parsed by credentials/contract_config.h.
ContractConfig ParseContract(const ConfigNode& node) {
  node.RequireObject();
  ContractConfig contract;
  RequireSafeId(node, "id", &contract.id);
  if (node.NonEmptyString("manifestUrl", &contract.manifest_url)) {
    CheckUrlAt(node.Child("manifestUrl"), contract.manifest_url, false, false);
  }
  contract.node = node;
  return contract;
}

ApiKeyConfig ParseApiKey(const ConfigNode& node) {
  node.AllowOnly({"id", "org", "role", "hash"});
  ApiKeyConfig key;
  if (!node.NonEmptyString("id", &key.id)) node.FailAt("id", "is required");
  node.NonEmptyString("org", &key.org);
  if (!node.String("role", &key.role)) key.role = "app";
  if (key.role != "app" && key.role != "admin") node.FailAt("role", "must be one of app, admin");
  if (key.role == "app" && key.org.empty()) node.FailAt("org", "is required for role app");
  if (!node.String("hash", &key.hash)) node.FailAt("hash", "is required");
  const std::string hex = key.hash.rfind("sha256:", 0) == 0 ? key.hash.substr(7) : "";
  if (hex.size() != 64 || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
    node.FailAt("hash", "must be \"sha256:\" followed by 64 hex digits");
  }
  for (char& c : key.hash) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

// Throws at `path` when `id` was seen before in this list.
void RequireUnique(std::set<std::string>& seen, const std::string& id, const ConfigNode& node,
                   const char* key, const char* what) {
  if (!seen.insert(id).second)
    node.FailAt(key, std::string("duplicate ") + what + " \"" + id + "\"");
}

}  // namespace

std::vector<OrgConfig> ParseOrgs(const ConfigNode& root, const Context& ctx) {
  std::vector<OrgConfig> orgs;
  std::set<std::string> ids;
  for (const ConfigNode& item : root.Array("orgs")) {
    orgs.push_back(ParseOrg(item, ctx));
    RequireUnique(ids, orgs.back().id, item, "id", "org id");
  }
  return orgs;
}

std::vector<Auth0Config> ParseAuth0(const ConfigNode& root, const Context& ctx) {
  std::vector<Auth0Config> entries;
  for (const ConfigNode& node : root.Array("auth0")) {
    node.AllowOnly(
        {"domain", "tokenSecret", "proofing", "contract", "pinLength", "maxTokenLifetimeSeconds"});
    Auth0Config entry;
    if (!node.NonEmptyString("domain", &entry.domain)) node.FailAt("domain", "is required");
    std::optional<HttpUrl> url = ParseHttpUrl("https://" + entry.domain);
    if (!url || url->host != entry.domain) {
      node.FailAt("domain", "must be a host name such as example.auth0.com (no scheme or path)");
    }
    if (!node.Secret("tokenSecret", ctx, &entry.token_secret)) {
      node.FailAt("tokenSecret", "is required");
    }
    node.NonEmptyString("proofing", &entry.proofing);
    node.NonEmptyString("contract", &entry.contract);
    ParsePinLength(node, &entry.pin_length);
    node.Int("maxTokenLifetimeSeconds", 60, 3600, &entry.max_token_lifetime_seconds);
    entries.push_back(std::move(entry));
  }
  return entries;
}

RequestServiceConfig ParseRequestService(const ConfigNode& root, const Context& ctx) {
  RequestServiceConfig rs;
  std::optional<ConfigNode> node = root.Object("requestService");
  if (!node) return rs;
  node->AllowOnly({"mode", "baseUrl", "tokenUrl", "clientId", "clientSecret", "scope", "authority",
                   "tenantId", "clients", "requestLifetimeSeconds", "signingAlg"});
  std::string mode = "embedded";
  node->String("mode", &mode);
  if (mode == "remote") {
    rs.mode = RequestServiceMode::kRemote;
  } else if (mode != "embedded") {
    node->FailAt("mode", "must be one of embedded, remote");
  }
  if (node->NonEmptyString("baseUrl", &rs.base_url)) CheckUrl(*node, "baseUrl", rs.base_url, false);
  if (node->NonEmptyString("tokenUrl", &rs.token_url)) {
    CheckUrl(*node, "tokenUrl", rs.token_url, false);
  }
  node->NonEmptyString("clientId", &rs.client_id);
  node->Secret("clientSecret", ctx, &rs.client_secret);
  node->NonEmptyString("scope", &rs.scope);
  if (node->NonEmptyString("authority", &rs.authority) && rs.authority.rfind("did:", 0) != 0) {
    node->FailAt("authority", "must be a DID (did:web:... or did:ion:...)");
  }
  if (node->String("tenantId", &rs.tenant_id) && !IsSafeId(rs.tenant_id)) {
    node->FailAt("tenantId", "must use only letters, digits, '.', '_' and '-'");
  }
  node->Int("requestLifetimeSeconds", 30, 3600, &rs.request_lifetime_seconds);
  if (node->String("signingAlg", &rs.signing_alg) && rs.signing_alg != "ES256" &&
      rs.signing_alg != "ES256K" && rs.signing_alg != "EdDSA" && rs.signing_alg != "RS256") {
    node->FailAt("signingAlg", "must be one of ES256, ES256K, EdDSA, RS256");
  }
  std::set<std::string> ids;
  for (const ConfigNode& item : node->Array("clients")) {
    rs.clients.push_back(ParseClient(item, ctx));
    RequireUnique(ids, rs.clients.back().client_id, item, "clientId", "client id");
  }
  return rs;
}

std::vector<ContractConfig> ParseContracts(const ConfigNode& root) {
  std::vector<ContractConfig> contracts;
  std::set<std::string> ids;
  for (const ConfigNode& item : root.Array("contracts")) {
    contracts.push_back(ParseContract(item));
    RequireUnique(ids, contracts.back().id, item, "id", "contract id");
  }
  return contracts;
}

VerifierConfig ParseVerifier(const ConfigNode& root, const Context& ctx) {
  VerifierConfig verifier;
  std::optional<ConfigNode> node = root.Object("verifier");
  if (!node) return verifier;
  node->AllowOnly({"authority", "policies", "resultRetentionSeconds", "webhook"});
  node->Int("resultRetentionSeconds", 60, 365LL * 86400, &verifier.result_retention_seconds);
  if (std::optional<ConfigNode> hook = node->Object("webhook")) {
    hook->AllowOnly({"url", "secret"});
    if (!hook->NonEmptyString("url", &verifier.webhook.url)) hook->FailAt("url", "is required");
    CheckUrl(*hook, "url", verifier.webhook.url, ctx.production());
    if (!hook->Secret("secret", ctx, &verifier.webhook.secret) ||
        verifier.webhook.secret.size() < 16) {
      hook->FailAt("secret", "is required (at least 16 characters)");
    }
  }
  if (node->NonEmptyString("authority", &verifier.authority) &&
      verifier.authority.rfind("did:", 0) != 0) {
    node->FailAt("authority", "must be a DID (did:web:... or did:ion:...)");
  }
  std::set<std::string> ids;
  for (const ConfigNode& item : node->Array("policies")) {
    item.RequireObject();
    VerifierPolicy policy;
    RequireSafeId(item, "id", &policy.id);
    RequireUnique(ids, policy.id, item, "id", "policy id");
    policy.node = item;
    verifier.policies.push_back(std::move(policy));
  }
  return verifier;
}

std::vector<ApiKeyConfig> ParseApiKeys(const ConfigNode& root) {
  std::vector<ApiKeyConfig> keys;
  std::set<std::string> ids;
  for (const ConfigNode& item : root.Array("apiKeys")) {
    keys.push_back(ParseApiKey(item));
    RequireUnique(ids, keys.back().id, item, "id", "api key id");
  }
  return keys;
}

}  // namespace vc::common::config_internal
