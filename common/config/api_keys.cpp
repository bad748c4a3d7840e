#include "common/config/api_keys.h"

#include "common/base/crypto.h"

namespace vc::common {

bool ApiKeyVerifier::HasBearer(const HttpServerRequest& request) {
  return request.Header("authorization").value_or("").starts_with("Bearer ");
}

std::optional<ApiKeyMatch> ApiKeyVerifier::Match(const HttpServerRequest& request) const {
  const std::string auth(request.Header("authorization").value_or(""));
  if (!auth.starts_with("Bearer ")) return std::nullopt;
  return MatchKey(auth.substr(7));
}

std::optional<ApiKeyMatch> ApiKeyVerifier::MatchKey(const std::string& key) const {
  const std::string presented = "sha256:" + HexEncode(Sha256(key));
  const ApiKeyConfig* match = nullptr;
  for (const auto& k : keys_) {  // no early exit: every key is compared
    if (ConstantTimeEquals(presented, k.hash) && !match) match = &k;
  }
  if (!match) return std::nullopt;
  return ApiKeyMatch{match->id, match->org, match->role == "admin"};
}

}  // namespace vc::common
