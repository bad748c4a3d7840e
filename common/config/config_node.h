// The configuration's node walker, public so that each component parses its
// own section (issuer/ its providers, verifier/ its policies, …) with the same
// path-precise errors as the loader: "orgs[0].keys.refreshSeconds: must be an
// integer". A node keeps the parsed document alive, so a Config can hand a
// section to the component that owns it long after loading.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace vc::common {

enum class Environment { kDevelopment, kTest, kProduction };

// A configuration mistake. Its message starts with the JSON path at fault.
class ConfigError : public std::runtime_error {
 public:
  ConfigError(const std::string& path, const std::string& reason)
      : std::runtime_error(path + ": " + reason), path_(path) {}
  const std::string& path() const { return path_; }  // "$" for the document itself

 private:
  std::string path_;
};

// What a section parser needs besides its node.
struct ConfigContext {
  Environment environment = Environment::kDevelopment;
  std::string base_dir;  // for relative paths; "" = current directory
  bool production() const { return environment == Environment::kProduction; }
};

class ConfigNode {
 public:
  // An empty object at "$" (the value of a section nobody wrote).
  ConfigNode();
  // The root of `doc` ("$" or another path), kept alive by the node.
  ConfigNode(std::shared_ptr<const rapidjson::Document> doc, std::string path);
  // A value the caller keeps alive for as long as the node is used.
  ConfigNode(const rapidjson::Value& value, std::string path)
      : value_(&value), path_(std::move(path)) {}
  // Parses `json` (an object, or a ConfigError at `path`) into an owning node:
  // built-in defaults and tests.
  static ConfigNode FromJson(std::string_view json, std::string path);

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
  bool Secret(const char* key, const ConfigContext& ctx, std::string* out) const;

  std::optional<ConfigNode> Object(const char* key) const;  // must be an object if present
  std::vector<ConfigNode> Array(const char* key) const;     // empty if absent
  // The members of this object, each with its name and path.
  std::vector<std::pair<std::string, ConfigNode>> Members() const;
  std::string Raw() const;  // compact JSON text
  const rapidjson::Value& value() const { return *value_; }

 private:
  ConfigNode(const ConfigNode& parent, const rapidjson::Value& value, std::string path)
      : doc_(parent.doc_), value_(&value), path_(std::move(path)) {}
  const rapidjson::Value* Member(const char* key) const;
  std::shared_ptr<const rapidjson::Document> doc_;  // null when not owning
  const rapidjson::Value* value_;
  std::string path_;
};

// Secrets: "env:NAME" must name a set, non-empty variable; "file:PATH" is read
// (relative to ctx.base_dir) with trailing newlines trimmed; anything else is
// the secret itself. Errors name `path`, never the secret.
std::string ResolveSecret(const std::string& value, const ConfigContext& ctx,
                          const std::string& path);
std::string ResolvePath(const std::string& path, const ConfigContext& ctx);

// Throws unless `url` is an absolute http(s) URL without user info (https
// only when `require_https`); fragments refused too when `no_fragment`.
void CheckUrl(const ConfigNode& node, const char* key, const std::string& url, bool require_https,
              bool no_fragment = false);
void CheckUrlAt(const std::string& path, const std::string& url, bool require_https,
                bool no_fragment);
// Letters, digits, '.', '_', '-': ids that end up in URL paths.
bool IsSafeId(std::string_view id);

}  // namespace vc::common
