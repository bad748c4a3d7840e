// Entry points of config.h: defaults, the top-level keys, file loading.
#include <algorithm>
#include <filesystem>

#include "common/base/json.h"
#include "common/config/internal/config_internal.h"

namespace vc::common {
namespace ci = config_internal;

namespace {

// The demo relying party: its "done" page is served by this server itself.
OrgConfig DemoOrg(const std::string& public_base_url) {
  OrgConfig org;
  org.id = "contoso";
  org.name = "Contoso";
  org.redirect_urls = {public_base_url + "/demo/rp/done"};
  return org;  // no keys: the server generates the demo RP key pair
}

// Where a server listening on host:port is reached on this machine.
std::string UrlForListen(const std::string& host, int port) {
  std::string h = host == "0.0.0.0" || host.empty() ? "127.0.0.1" : host == "::" ? "::1" : host;
  if (h.find(':') != std::string::npos) h = "[" + h + "]";
  return "http://" + h + ":" + std::to_string(port);
}

// The contract for proofed identities: realName and idCardType (Casdoor's
// names) and the claim names Entra uses for identity-verification partners,
// each issued when the provider supplied it (docs/proofing.md), with labels
// given as Entra's display definitions.
ContractConfig DefaultContract() {
  ContractConfig contract;
  contract.id = "VerifiedIdentity";
  std::string claims, labels;
  const std::pair<const char*, const char*> entries[] = {
      {"realName", "Name"},
      {"idCardType", "ID card type"},
      {"firstName", "First name"},
      {"lastName", "Last name"},
      {"dateOfBirth", "Date of birth"},
      {"documentId", "Document number"},
      {"documentType", "Document type"},
      {"documentExpiryDate", "Document expiry date"},
      {"portrait", "Portrait"}};
  for (const auto& [name, label] : entries) {
    const std::string n = name;
    claims += (claims.empty() ? "" : ",") + std::string(R"({"inputClaim":")") + n +
              R"(","outputClaim":")" + n + R"(","required":)" +
              (n == "realName" ? "true" : "false") + "}";
    labels += (labels.empty() ? "" : ",") + std::string(R"({"claim":"vc.credentialSubject.)") + n +
              R"(","label":")" + label + R"(","type":")" +
              (n == "portrait" ? "image/jpg;base64url" : "String") + R"("})";
  }
  contract.node = ConfigNode::FromJson(
      R"({"id":"VerifiedIdentity","type":"VerifiedIdentity","claims":[)" + claims +
          R"(],"display":{"card":{"title":"Verified identity","issuedBy":"vcserver"},"claims":[)" +
          labels + "]}}",
      "contracts[0]");
  return contract;
}

// What an absent key means. Outside development there is no demo org and no
// sandbox provider: production must say what it runs.
Config BaseConfig(Environment environment) {
  Config c;
  c.environment = environment;
  c.contracts = {DefaultContract()};
  c.verifier.policies = {
      {"onboarding", ConfigNode::FromJson(R"({"id":"onboarding","includeReceipt":true,)"
                                          R"("registration":{"clientName":"vcserver verifier",)"
                                          R"("purpose":"Prove your verified identity"},)"
                                          R"("requestedCredentials":[{"type":"VerifiedIdentity",)"
                                          R"("purpose":"Your verified name"}]})",
                                          "verifier.policies[0]")}};
  c.verifier.default_policies = true;
  if (environment == Environment::kDevelopment) {
    c.orgs = {DemoOrg(c.public_base_url)};
    ProofingProviderConfig sandbox;
    sandbox.node = ConfigNode::FromJson(R"({"type":"sandbox"})", "proofingProviders.sandbox");
    c.proofing_providers.emplace("sandbox", sandbox);
  }
  return c;
}

Environment ParseEnvironment(const ConfigNode& root) {
  std::string name;
  if (!root.String("environment", &name) || name == "development") {
    return Environment::kDevelopment;
  }
  if (name == "test") return Environment::kTest;
  if (name == "production") return Environment::kProduction;
  root.FailAt("environment", "must be one of development, test, production");
}

std::vector<Role> ParseRoles(const ConfigNode& root) {
  std::vector<std::string> names;
  root.Strings("roles", &names);
  if (names.empty()) root.FailAt("roles", "must name at least one role");
  std::vector<Role> roles;
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string path = root.Child("roles") + "[" + std::to_string(i) + "]";
    Role role;
    if (names[i] == "issuer") {
      role = Role::kIssuer;
    } else if (names[i] == "verifier") {
      role = Role::kVerifier;
    } else if (names[i] == "requestService") {
      role = Role::kRequestService;
    } else {
      throw ConfigError(path, "must be one of issuer, verifier, requestService");
    }
    if (std::find(roles.begin(), roles.end(), role) != roles.end()) {
      throw ConfigError(path, "duplicate role \"" + names[i] + "\"");
    }
    roles.push_back(role);
  }
  return roles;
}

void ParseScalars(const ConfigNode& root, const ConfigContext& ctx, Config& c) {
  if (root.String("listen", &c.listen) &&
      !ci::SplitListen(c.listen, &c.listen_host, &c.listen_port)) {
    root.FailAt("listen", "must be host:port (e.g. 127.0.0.1:8080 or [::1]:8080)");
  }
  if (root.NonEmptyString("publicBaseUrl", &c.public_base_url)) {
    while (c.public_base_url.size() > 1 && c.public_base_url.back() == '/') {
      c.public_base_url.pop_back();
    }
  } else if (root.Has("listen")) {
    c.public_base_url = UrlForListen(c.listen_host, c.listen_port);
  }
  if (c.environment == Environment::kDevelopment) c.orgs = {DemoOrg(c.public_base_url)};
  if (root.NonEmptyString("dataDir", &c.data_dir)) c.data_dir = ResolvePath(c.data_dir, ctx);
  if (root.Has("roles")) c.roles = ParseRoles(root);
  std::string level;
  if (root.String("logLevel", &level) && !ParseLevel(level, &c.log_level)) {
    root.FailAt("logLevel", "must be one of debug, info, warn, error");
  }
}

void ParseSections(const ConfigNode& root, const ConfigContext& ctx, Config& c) {
  if (root.Has("proofingProviders")) c.proofing_providers = ci::ParseProviders(root, ctx);
  if (root.Has("contracts")) c.contracts = ci::ParseContracts(root);
  if (root.Has("orgs")) c.orgs = ci::ParseOrgs(root, ctx);
  if (root.Has("auth0")) c.auth0 = ci::ParseAuth0(root, ctx);
  if (root.Has("requestService")) c.request_service = ci::ParseRequestService(root, ctx);
  if (root.Has("verifier")) c.verifier = ci::ParseVerifier(root, ctx);
  if (root.Has("apiKeys")) c.api_keys = ci::ParseApiKeys(root);
  if (root.Has("rateLimits")) c.rate_limits = ci::ParseRateLimits(root);
  if (root.Has("connections")) c.connections = ci::ParseConnections(root);
  if (root.Has("tls")) c.tls = ci::ParseTls(root, ctx);
  c.outbound = ci::ParseOutbound(root, ctx);
  if (root.Has("issuance")) c.issuance = ci::ParseIssuanceLimits(root);
  if (root.Has("retention")) c.retention = ci::ParseRetention(root);
  if (root.Has("metrics")) c.metrics = ci::ParseMetrics(root, ctx);
  if (root.Has("storage")) c.storage = ci::ParseStorage(root, ctx);
}

// A copy of `node` where every string value equal to `from` reads `to`.
ConfigNode ReplaceStrings(const ConfigNode& node, const std::string& from, const std::string& to) {
  auto doc = std::make_shared<rapidjson::Document>();
  doc->CopyFrom(node.value(), doc->GetAllocator());
  std::vector<rapidjson::Value*> pending{doc.get()};
  while (!pending.empty()) {
    rapidjson::Value* v = pending.back();
    pending.pop_back();
    if (v->IsString() && std::string_view(v->GetString(), v->GetStringLength()) == from) {
      v->SetString(to.data(), static_cast<rapidjson::SizeType>(to.size()), doc->GetAllocator());
    } else if (v->IsArray()) {
      for (auto& item : v->GetArray()) pending.push_back(&item);
    } else if (v->IsObject()) {
      for (auto& member : v->GetObject()) pending.push_back(&member.value);
    }
  }
  return ConfigNode(std::shared_ptr<const rapidjson::Document>(std::move(doc)), node.path());
}

}  // namespace

Config DefaultConfig() {
  Config c = BaseConfig(Environment::kDevelopment);
  ci::CompleteAndValidate(c, ConfigContext{});
  return c;
}

Config ParseConfig(std::string_view json, const std::string& base_dir) {
  JsonLimits limits;
  limits.max_bytes = 4 << 20;
  limits.max_depth = 64;
  Result<rapidjson::Document> doc = ParseJson(json, limits);
  if (!doc.ok()) throw ConfigError("$", "invalid JSON: " + doc.error().message);
  // Shared with the sections that components parse later (Config keeps them).
  const ConfigNode root(std::make_shared<rapidjson::Document>(std::move(*doc)), "$");
  root.AllowOnly({"environment", "listen",   "publicBaseUrl", "dataDir",           "roles",
                  "logLevel",    "orgs",     "auth0",         "proofingProviders", "requestService",
                  "contracts",   "verifier", "apiKeys",       "rateLimits",        "connections",
                  "tls",         "outbound", "issuance",      "retention",         "metrics",
                  "storage"});
  ConfigContext ctx;
  ctx.environment = ParseEnvironment(root);
  ctx.base_dir = base_dir;
  Config c = BaseConfig(ctx.environment);
  c.base_dir = base_dir;
  ParseScalars(root, ctx, c);
  ParseSections(root, ctx, c);
  ci::CompleteAndValidate(c, ctx);
  return c;
}

Config LoadConfigFile(const std::string& path) {
  std::optional<std::string> text = ci::ReadFileText(path);
  if (!text) throw ConfigError("$", "cannot read config file " + path);
  const std::filesystem::path dir = std::filesystem::absolute(path).parent_path();
  return ParseConfig(*text, dir.string());
}

void RebasePublicBaseUrl(Config& c, const std::string& base_url) {
  const std::string old = c.public_base_url;
  const std::string old_did = DidWebFromUrl(old);
  auto rebase = [&](std::string& value) {
    if (value == old_did && !old_did.empty()) {
      value = DidWebFromUrl(base_url);
    } else if (value.rfind(old, 0) == 0 &&
               (value.size() == old.size() || value[old.size()] == '/')) {
      value = base_url + value.substr(old.size());
    }
  };
  rebase(c.public_base_url);
  RequestServiceConfig& rs = c.request_service;
  for (std::string* v : {&rs.base_url, &rs.token_url, &rs.authority, &c.verifier.authority})
    rebase(*v);
  for (OrgConfig& org : c.orgs) {
    for (std::string& url : org.redirect_urls) rebase(url);
  }
  for (ContractConfig& contract : c.contracts) rebase(contract.manifest_url);
  // The demo policy names the old DID and URL as accepted issuers, and the
  // default vct under the old URL.
  const std::string new_did = DidWebFromUrl(base_url);
  for (VerifierPolicy& policy : c.verifier.policies) {
    if (!old_did.empty()) policy.node = ReplaceStrings(policy.node, old_did, new_did);
    policy.node = ReplaceStrings(policy.node, old, base_url);
    policy.node =
        ReplaceStrings(policy.node, old + ci::kDefaultVctPath, base_url + ci::kDefaultVctPath);
  }
}

bool Config::HasRole(Role role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

const OrgConfig* Config::FindOrg(std::string_view id) const {
  for (const OrgConfig& org : orgs) {
    if (org.id == id) return &org;
  }
  return nullptr;
}

const ContractConfig* Config::FindContract(std::string_view id) const {
  for (const ContractConfig& contract : contracts) {
    if (contract.id == id) return &contract;
  }
  return nullptr;
}

std::string_view EnvironmentName(Environment environment) {
  switch (environment) {
    case Environment::kDevelopment:
      return "development";
    case Environment::kTest:
      return "test";
    case Environment::kProduction:
      return "production";
  }
  return "unknown";
}

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kIssuer:
      return "issuer";
    case Role::kVerifier:
      return "verifier";
    case Role::kRequestService:
      return "requestService";
  }
  return "unknown";
}

std::string_view ProviderTypeName(ProviderType type) {
  switch (type) {
    case ProviderType::kSandbox:
      return "sandbox";
    case ProviderType::kJumio:
      return "jumio";
    case ProviderType::kAlibaba:
      return "alibaba";
  }
  return "unknown";
}

}  // namespace vc::common
