// API keys of applications and admins (DESIGN.md §3): sent as
// "Authorization: Bearer <key>", configured only as "sha256:<hex>" of the key.
// Shared by every component with a JSON API (issuer, verifier), so it lives here.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/config/config_types.h"
#include "common/http/http_message.h"

namespace vc::common {

// The configured key a request presented.
struct ApiKeyMatch {
  std::string id;   // the key's configured id
  std::string org;  // the org an "app" key acts for ("" for an org-less admin key)
  bool admin = false;
};

// Hashes the presented bearer key and compares it in constant time against every
// configured hash (no early exit, so timing says nothing about which key is near).
class ApiKeyVerifier {
 public:
  explicit ApiKeyVerifier(std::vector<ApiKeyConfig> keys) : keys_(std::move(keys)) {}

  // The key behind "Authorization: Bearer <key>"; nullopt when the header is absent,
  // not a Bearer credential, or names no configured key.
  std::optional<ApiKeyMatch> Match(const HttpServerRequest& request) const;
  // The same for a bare key value.
  std::optional<ApiKeyMatch> MatchKey(const std::string& key) const;

  // True when the request carries an Authorization: Bearer header at all (a wrong
  // bearer key is then not retried as another kind of credential).
  static bool HasBearer(const HttpServerRequest& request);

 private:
  std::vector<ApiKeyConfig> keys_;
};

}  // namespace vc::common
