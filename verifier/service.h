// The verifier (DESIGN.md §1 step 3, §4): creates presentation requests from a
// policy through a Request Service (Entra or embedded), receives its callbacks,
// keeps the results for the application and tells it by webhook when a request
// ends. Knows nothing of HTTP serving: routes.h adapts it.
//
// Request lifecycle (GET status): request_created -> request_retrieved ->
// presentation_verified | presentation_error; "expired" when no terminal event came
// before the Request Service's expiry. Terminal states never change again.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/base/clock.h"
#include "common/base/task.h"
#include "common/config/config_types.h"
#include "common/store/store.h"
#include "credentials/did_resolver.h"
#include "credentials/presentation.h"
#include "credentials/request_service_client.h"
#include "verifier/evaluate.h"
#include "verifier/oid4vp_service.h"
#include "verifier/outcome.h"
#include "verifier/policy.h"
#include "verifier/store.h"
#include "verifier/webhook.h"

namespace vc::verifier {

struct VerifierOptions {
  std::string authority;         // our verifier DID (createPresentationRequest authority)
  std::string callback_url;      // {publicBaseUrl}/api/verifier/callback
  std::string callback_api_key;  // sent as callback.headers.api-key, checked on callbacks
  int64_t retention_seconds = 3600;
  common::VerifierWebhook webhook;  // url "" = none
  // Production: an inline policy must name acceptedIssuers for every requested
  // credential (400 accepted_issuers_required), as configured ones must.
  bool require_accepted_issuers = false;
};

struct CallbackAnswer {
  int status = 200;
  std::string body = "{}";
};

class VerifierService {
 public:
  // Applies the verifier's migrations; throws std::runtime_error when they fail.
  VerifierService(VerifierOptions options, std::vector<Policy> policies, common::Database& db,
                  credentials::RequestServiceClient& client, credentials::DidResolver& resolver,
                  credentials::StatusChecker& status, credentials::LinkedDomainChecker& domains,
                  const common::Clock& clock);

  // `body`: {"policy": "<configured id>" | {inline policy}, "protocol": "entra"
  // (the default: through the Request Service, the policy's jwt_vc_json
  // credentials) | "openid4vp" (served by Oid4vpService, the policy's dc+sd-jwt
  // credentials)}. Errors: 400 invalid_request (field = JSON path, e.g.
  // "policy.requestedCredentials[0].type"), 400 unknown_policy, 400
  // policy_protocol_mismatch (the policy has no credential of a format the
  // protocol carries), 400 protocol_unavailable (openid4vp without an
  // Oid4vpService), 502 request_service_error (the Request Service refused or
  // could not be reached; the message says why).
  Outcome<CreatedPresentation> Create(const std::string& org, const std::string& body);

  // The request as JSON {id, policy, status, message, expiry, url, subject?,
  // credentials?, error?}. 404 not_found for an unknown id or another org's request
  // (`org` "*" = any org: admin keys).
  Outcome<std::string> Get(const std::string& org, const std::string& id);

  // A Request Service callback (spec §5): `api_key` is the header's value. 401 for a
  // missing/wrong key, 400 for a body that is not a JSON object; every other body is
  // answered 200, and only known states and statuses change anything, once.
  // Waits for HandleCallbackTask(), running its blocking step on this thread.
  CallbackAnswer HandleCallback(std::optional<std::string_view> api_key, const std::string& body);
  // HandleCallback() for a coroutine: the lookup on a reader thread, the
  // result committed with its batch, no thread waiting for either; the
  // re-check of a verified presentation (DID resolution, status lists,
  // linked domains: outbound calls) runs on `blocking`.
  common::Task<CallbackAnswer> HandleCallbackTask(std::optional<std::string> api_key,
                                                  std::string body, common::Executor blocking);

  // Deletes results older than the retention; returns how many.
  common::Result<int64_t> Purge();

  const std::vector<Policy>& policies() const { return policies_; }
  // Called after a webhook was queued (the wiring wakes its OutboxWorker).
  void SetWebhookNotifier(std::function<void()> notify) {
    webhooks_.SetNotifier(std::move(notify));
  }
  // Shared with the OpenID4VP part, which records results in the same table.
  Webhooks& webhooks() { return webhooks_; }
  // Enables "protocol": "openid4vp" (not owned; outlives this service).
  void SetOpenId4Vp(Oid4vpService* oid4vp) { oid4vp_ = oid4vp; }
  // The authority may only be known once the server is bound (port 0).
  void SetAuthority(std::string authority) { options_.authority = std::move(authority); }
  void SetCallbackUrl(std::string url) { options_.callback_url = std::move(url); }

 private:
  std::optional<ApiError> ResolvePolicy(const std::string& body, Policy& out,
                                        std::string& protocol) const;
  Outcome<CreatedPresentation> CreateEntra(const std::string& org, const Policy& policy);
  std::string PresentationBody(const Policy& policy, const std::string& state) const;
  Evaluation Evaluate(const StoredPresentation& row, const rapidjson::Value& body,
                      const std::string& status);
  common::Task<CallbackAnswer> OnTerminalTask(StoredPresentation row, const rapidjson::Value& body,
                                              std::string status, common::Executor blocking);

  VerifierOptions options_;
  std::vector<Policy> policies_;
  PresentationStore store_;
  credentials::RequestServiceClient& client_;
  credentials::DidResolver& resolver_;
  credentials::StatusChecker& status_;
  credentials::LinkedDomainChecker& domains_;
  const common::Clock& clock_;
  Webhooks webhooks_;
  Oid4vpService* oid4vp_ = nullptr;
};

}  // namespace vc::verifier
