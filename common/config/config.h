// The service configuration (DESIGN.md §3): one JSON file loaded at startup
// into plain structs. Every field is optional; no file at all gives the
// embedded development setup (all roles on 127.0.0.1:8080, data in ./var, a
// demo org "contoso" with the sandbox provider, the embedded Request Service).
//
// Defaults: a top-level key that is absent keeps DefaultConfig()'s value, with
// two exceptions outside development: the demo org and the sandbox provider are
// not added (orgs and proofingProviders start empty). Relative paths (dataDir,
// pemFiles, "file:" secrets) are resolved against the config file's directory.
//
// Failures throw ConfigError; its message starts with the JSON path at fault,
// e.g. "orgs[0].redirectUrls[1]: must be an absolute https URL in production".
// Unknown keys are errors (typos must not be ignored), except inside provider
// objects and contract display. Provider options, contracts and verifier
// policies are kept as ConfigNodes and parsed by their components (see
// config_types.h); the server runs those parsers at startup, before listening.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/log.h"
#include "common/config/config_types.h"

namespace vc::common {

struct Config {
  Environment environment = Environment::kDevelopment;
  std::string listen = "127.0.0.1:8080";
  std::string listen_host = "127.0.0.1";                  // from listen; IPv6 without brackets
  int listen_port = 8080;                                 // 0 picks a free port (tests)
  std::string public_base_url = "http://127.0.0.1:8080";  // no trailing slash
  std::string data_dir = "./var";
  std::vector<Role> roles = {Role::kIssuer, Role::kVerifier, Role::kRequestService};
  LogLevel log_level = LogLevel::kInfo;
  std::vector<OrgConfig> orgs;
  std::vector<Auth0Config> auth0;
  std::map<std::string, ProofingProviderConfig> proofing_providers;
  RequestServiceConfig request_service;
  std::vector<ContractConfig> contracts;
  VerifierConfig verifier;
  std::vector<ApiKeyConfig> api_keys;
  RateLimitsConfig rate_limits;
  ConnectionsConfig connections;
  TlsConfig tls;
  StorageConfig storage;
  OutboundConfig outbound;
  IssuanceLimitsConfig issuance;
  RetentionConfig retention;
  MetricsConfig metrics;
  std::string base_dir;  // the config file's directory ("" = current): relative paths

  // What a component's section parser needs (config_node.h).
  ConfigContext context() const { return {environment, base_dir}; }
  bool HasRole(Role role) const;
  const OrgConfig* FindOrg(std::string_view id) const;            // nullptr if unknown
  const ContractConfig* FindContract(std::string_view id) const;  // nullptr if unknown
};

// The embedded development configuration (what `vcserver` runs with no file).
Config DefaultConfig();

// Reads and parses a file; a missing or unreadable file is a ConfigError at "$".
Config LoadConfigFile(const std::string& path);

// Parses JSON text; `base_dir` anchors relative paths ("" = current directory).
Config ParseConfig(std::string_view json, const std::string& base_dir);

// For a server that learns its port only when binding (listen port 0): replaces
// the public base URL, and every URL and did:web the configuration derived from
// it (including the old DID among the verifier policies' accepted issuers), with
// `base_url`.
void RebasePublicBaseUrl(Config& config, const std::string& base_url);

// "did:web:" for an http(s) URL: host, port as "%3A" and path segments joined
// with ':' (https://idv.example/tenant -> did:web:idv.example:tenant). Empty
// for anything else, including URLs with userinfo, a query or a fragment.
std::string DidWebFromUrl(std::string_view url);

std::string_view EnvironmentName(Environment environment);
std::string_view RoleName(Role role);
std::string_view ProviderTypeName(ProviderType type);

}  // namespace vc::common
