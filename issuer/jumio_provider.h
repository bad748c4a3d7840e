// Jumio KYX (platform API v1), asynchronous: OAuth2 client credentials (token
// cached until shortly before expiry, one refresh on 401), POST
// /api/v1/accounts with the workflow key, the user goes to web.href, Jumio
// calls back, and the verdict is fetched from the retrieval API at a URL
// rebuilt from the configured region and the stored ids — never from an href
// in the callback. Jumio does not sign callbacks, so userReference carries our
// own HMAC: "t=<ms>,r=<attempt id>,v1=<hex HMAC-SHA256(secret, "<ms>.<attempt>")[:32]>"
// (no PII; <= 100 characters). References are "<accountId>/<workflowExecutionId>".
// decision.type: PASSED → verified, REJECTED → rejected, WARNING → needs_review
// (or rejected, by policy), NOT_EXECUTED and SESSION_EXPIRED/TOKEN_EXPIRED →
// expired, INITIATED/ACQUIRED → pending.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "common/base/clock.h"
#include "common/http/http_client.h"
#include "issuer/proofing_provider.h"

namespace vc::issuer {

struct JumioOptions {
  std::string region = "amer-1";
  std::string base_url;  // replaces every regional host when set (tests)
  std::string client_id;
  std::string client_secret;
  int64_t workflow_key = 10013;
  std::string callback_secret;  // HMAC key for userReference
  std::string user_agent = "vcservice IDV/0.1";
  bool warning_is_rejection = false;      // WARNING policy; default: needs review
  std::vector<std::string> callback_ips;  // optional allowlist of callback sources
  int64_t token_refresh_margin_seconds = 300;
};

class JumioProvider final : public ProofingProvider {
 public:
  JumioProvider(JumioOptions options, common::HttpClient& http, const common::Clock& clock);

  std::string_view Type() const override { return "jumio"; }
  common::Status Validate(const ClaimedIdentity& claimed) const override;
  common::Result<StartResult> Start(const ProofingStart& start) override;
  common::Result<ProviderVerdict> Fetch(const std::string& reference) override;
  common::Result<CallbackEvent> AuthenticateCallback(const CallbackInput& in) override;
  common::Status Test() override;  // obtains a token

  // The URLs the provider uses (from region or base_url).
  std::string TokenUrl() const;
  std::string AccountsUrl() const;
  std::string RetrievalUrl(const std::string& account_id, const std::string& execution_id) const;
  // Our userReference for an attempt at `now_ms`, and its check.
  std::string UserReference(const std::string& attempt_id, int64_t now_ms) const;
  bool CheckUserReference(std::string_view value, std::string* attempt_id) const;

 private:
  common::Result<std::string> Token(bool force_refresh);
  // The POST /api/v1/accounts JSON: opaque references only, never PII.
  std::string AccountBody(const ProofingStart& start) const;
  // Sends with a bearer token; on 401 refreshes the token once and resends.
  common::Result<common::HttpResponse> SendAuthorized(common::HttpRequest request);

  JumioOptions options_;
  common::HttpClient& http_;
  const common::Clock& clock_;
  std::mutex mu_;
  std::string token_;
  int64_t token_expires_at_ = 0;
};

// "2021-01-21T14:55:01.917Z" → milliseconds since the epoch; 0 when malformed.
int64_t ParseJumioTimestampMs(std::string_view text);

// The verdict for a retrieval "details" body (exposed for tests).
common::Result<ProviderVerdict> MapJumioDetails(std::string_view body, bool warning_is_rejection);

}  // namespace vc::issuer
