// Internals of the config loader (config.h), shared by its .cpp files only.
// The node walker itself is public (config_node.h).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/config/config.h"
#include "common/config/config_node.h"

namespace vc::common::config_internal {

using Context = ConfigContext;

// Whole file, or nullopt when it cannot be read.
std::optional<std::string> ReadFileText(const std::string& path);

// The default contract's SD-JWT VC type under publicBaseUrl (the OpenID4VCI
// issuer's default vct, issuer/oid4vci_metadata.h), accepted by the default
// verifier policy.
inline constexpr const char* kDefaultVctPath = "/oid4vci/types/VerifiedIdentity";

struct HttpUrl {
  std::string scheme;  // "http" or "https"
  std::string host;    // as written in the URL (IPv6 with brackets)
  std::string port;    // "" when not given
  std::string path;    // "/" at least
  bool has_userinfo = false;
  bool has_query = false;
  bool has_fragment = false;
};
std::optional<HttpUrl> ParseHttpUrl(std::string_view url);
// "host:port" or "[v6]:port" into host (brackets removed) and port 0..65535.
bool SplitListen(const std::string& listen, std::string* host, int* port);

// Sections, each replacing the default when the key is present.
std::vector<OrgConfig> ParseOrgs(const ConfigNode& root, const Context& ctx);
std::vector<Auth0Config> ParseAuth0(const ConfigNode& root, const Context& ctx);
std::map<std::string, ProofingProviderConfig> ParseProviders(const ConfigNode& root,
                                                             const Context& ctx);
RequestServiceConfig ParseRequestService(const ConfigNode& root, const Context& ctx);
std::vector<ContractConfig> ParseContracts(const ConfigNode& root);
VerifierConfig ParseVerifier(const ConfigNode& root, const Context& ctx);
std::vector<ApiKeyConfig> ParseApiKeys(const ConfigNode& root);
RateLimitsConfig ParseRateLimits(const ConfigNode& root);
ConnectionsConfig ParseConnections(const ConfigNode& root);
TlsConfig ParseTls(const ConfigNode& root, const Context& ctx);
StorageConfig ParseStorage(const ConfigNode& root, const Context& ctx);
// Always called: production makes the policy https-only even when absent.
OutboundConfig ParseOutbound(const ConfigNode& root, const Context& ctx);
// A configured URL that the outbound policy would refuse (e.g. a webhook on a
// private address that outbound.allow does not list) is a config error.
void CheckOutboundTargets(const Config& config);
IssuanceLimitsConfig ParseIssuanceLimits(const ConfigNode& root);
RetentionConfig ParseRetention(const ConfigNode& root);
MetricsConfig ParseMetrics(const ConfigNode& root, const Context& ctx);

// Fills defaults that depend on other sections (URLs from publicBaseUrl, an
// org's only provider or contract) and checks cross-references.
void CompleteAndValidate(Config& config, const Context& ctx);

}  // namespace vc::common::config_internal
