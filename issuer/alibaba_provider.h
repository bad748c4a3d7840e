// Alibaba Cloud Cloudauth Id2MetaVerify (version 2019-03-07): name + PRC
// resident ID number, checked synchronously against the authority's records.
// Signed with ACS3-HMAC-SHA256 by default, or the V1 RPC HMAC-SHA1 signature
// (signatureVersion "v1"). Mapping (specs/proofing-providers.md §3.1):
//   HTTP 200, Code "200", BizCode "1" → verified; "2" → mismatch (billed);
//   "3" → no_record; Code 402/500, HTTP 5xx, network failure → retried, then
//   "provider_unavailable"; anything else (gateway errors such as
//   SignatureDoesNotMatch, Code 400/401/403/410/411/412) → "provider_error".
// A billed verdict (BizCode 1/2) is never retried.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/base/clock.h"
#include "common/http/http_client.h"
#include "issuer/proofing_provider.h"

namespace vc::issuer {

struct AlibabaOptions {
  std::string endpoint = "https://cloudauth.aliyuncs.com";
  std::string access_key_id;
  std::string access_key_secret;
  bool v1_signature = false;  // config signatureVersion "v1"
  int max_attempts = 3;       // for retryable failures
  // Waits between attempts (ms); tests pass a no-op. Default: sleeps.
  std::function<void(int64_t)> backoff;
};

// The verdict for one Id2MetaVerify response; errors as in the header comment.
common::Result<ProviderVerdict> MapId2MetaResponse(long http_status, std::string_view body);

class AlibabaProvider final : public ProofingProvider {
 public:
  AlibabaProvider(AlibabaOptions options, common::HttpClient& http, const common::Clock& clock);

  std::string_view Type() const override { return "alibaba"; }
  // Only PRC_ID with a valid checksum: the API checks mainland resident IDs.
  common::Status Validate(const ClaimedIdentity& claimed) const override;
  common::Result<StartResult> Start(const ProofingStart& start) override;
  // Synchronous provider: nothing to fetch ("not_supported").
  common::Result<ProviderVerdict> Fetch(const std::string& reference) override;
  // No callbacks: always "callback_unauthenticated".
  common::Result<CallbackEvent> AuthenticateCallback(const CallbackInput& in) override;
  // A call with empty parameters: the gateway checks the signature before the
  // parameters, so Code "400" proves credentials and reachability; nothing billed.
  common::Status Test() override;

  // The signed request for one attempt (exposed for tests).
  common::HttpRequest BuildRequest(const common::NameValueList& business_params) const;

 private:
  // Sends with retries of retryable failures; the mapped verdict or error.
  common::Result<ProviderVerdict> Call(const common::NameValueList& params);
  AlibabaOptions options_;
  common::HttpClient& http_;
  const common::Clock& clock_;
};

}  // namespace vc::issuer
