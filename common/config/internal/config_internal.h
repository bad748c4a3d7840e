// Internals of the config loader (config.h), shared by its .cpp files only.
// ConfigNode walks the JSON with the path of each value, so that every error
// names where it is: "orgs[0].keys.refreshSeconds: must be an integer".
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/config/config.h"

namespace vc::common::config_internal {

struct Context {
  Environment environment = Environment::kDevelopment;
  std::string base_dir;  // for relative paths; "" = current directory
  bool production() const { return environment == Environment::kProduction; }
};

class ConfigNode {
 public:
  ConfigNode(const rapidjson::Value& value, std::string path)
      : value_(&value), path_(std::move(path)) {}

  const std::string& path() const { return path_; }
  std::string Child(std::string_view key) const;  // "a.b", or "b" at the root
  [[noreturn]] void Fail(const std::string& reason) const;
  [[noreturn]] void FailAt(std::string_view key, const std::string& reason) const;

  void RequireObject() const;
  // Unknown keys are errors: a misspelt key would otherwise be ignored.
  void AllowOnly(std::initializer_list<std::string_view> keys) const;
  bool Has(const char* key) const;  // present and not null

  // Optional typed members: false when absent (out untouched), throw on a
  // wrong type or range.
  bool String(const char* key, std::string* out) const;
  bool NonEmptyString(const char* key, std::string* out) const;
  bool Int(const char* key, int64_t min, int64_t max, int64_t* out) const;
  bool Bool(const char* key, bool* out) const;
  bool Strings(const char* key, std::vector<std::string>* out) const;
  // A secret: inline, "env:NAME" or "file:PATH" (see ResolveSecret).
  bool Secret(const char* key, const Context& ctx, std::string* out) const;

  std::optional<ConfigNode> Object(const char* key) const;  // must be an object if present
  std::vector<ConfigNode> Array(const char* key) const;     // empty if absent
  std::string Raw() const;                                  // compact JSON text
  const rapidjson::Value& value() const { return *value_; }

 private:
  const rapidjson::Value* Member(const char* key) const;
  const rapidjson::Value* value_;
  std::string path_;
};

// Secrets: "env:NAME" must name a set, non-empty variable; "file:PATH" is read
// (relative to ctx.base_dir) with trailing newlines trimmed; anything else is
// the secret itself. Errors name `path`, never the secret.
std::string ResolveSecret(const std::string& value, const Context& ctx, const std::string& path);
std::string ResolvePath(const std::string& path, const Context& ctx);
// Whole file, or nullopt when it cannot be read.
std::optional<std::string> ReadFileText(const std::string& path);

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
// Throws unless `url` is an absolute http(s) URL without user info (https
// only when `require_https`); fragments refused too when `no_fragment`.
void CheckUrl(const ConfigNode& node, const char* key, const std::string& url, bool require_https,
              bool no_fragment = false);
void CheckUrlAt(const std::string& path, const std::string& url, bool require_https,
                bool no_fragment);
// "host:port" or "[v6]:port" into host (brackets removed) and port 0..65535.
bool SplitListen(const std::string& listen, std::string* host, int* port);
// Letters, digits, '.', '_', '-': ids that end up in URL paths.
bool IsSafeId(std::string_view id);

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
TlsConfig ParseTls(const ConfigNode& root, const Context& ctx);

// Fills defaults that depend on other sections (URLs from publicBaseUrl, an
// org's only provider or contract) and checks cross-references.
void CompleteAndValidate(Config& config, const Context& ctx);

}  // namespace vc::common::config_internal
