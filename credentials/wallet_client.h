// A holder wallet speaking only the wallet protocol over HTTP (spec §7):
// accept an openid-vc:// issuance link (request object, manifest, issue with
// the holder's key proof and PIN, completion) and answer a presentation link
// (SIOP id_token + VP to redirect_uri). vcwallet is a thin main over this.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/base/clock.h"
#include "common/base/result.h"
#include "common/http/http_client.h"
#include "credentials/holder.h"

namespace vc::credentials {

// A wallet file: {"alg", "key" (private JWK), "credentials": [VC-JWT…]}, mode 0600.
struct WalletFile {
  Holder holder;
  std::vector<std::string> credentials;

  // Loads `path`, or creates a new ES256 did:jwk holder when it does not exist.
  // Error "wallet_file" when it exists but cannot be read.
  static common::Result<WalletFile> LoadOrCreate(const std::filesystem::path& path);
  common::Status Save(const std::filesystem::path& path) const;
};

class WalletClient {
 public:
  WalletClient(common::HttpClient& http, const common::Clock& clock) : http_(http), clock_(clock) {}

  // Completes an issuance; returns the VC-JWT received (already verified).
  // Errors name the step that failed ("request_object", "manifest", "pin",
  // "issue", "completion") with the service's reason.
  common::Result<std::string> Accept(const Holder& holder, const std::string& link,
                                     const std::string& pin);

  // Answers a presentation request with matching VCs from `held`.
  common::Status Present(const Holder& holder, const std::vector<std::string>& held,
                         const std::string& link);

 private:
  common::HttpClient& http_;
  const common::Clock& clock_;
};

// "openid-vc://?request_uri=<url>" (or legacy "openid://vc?request_uri=") -> url.
common::Result<std::string> RequestUriFromLink(const std::string& link);

}  // namespace vc::credentials
