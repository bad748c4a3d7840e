// HTTP adapters for the embedded Request Service: each handler parses the
// request into what one part of the service (service.h) or TokenService takes
// and writes the answer; failures become the Entra error envelope (spec §4).
// See service.h for paths.
// Admin revocation (a token for the Admin API scope, 6a8b4b39-…/.default, with role
// VerifiableCredential.Credential.Revoke; also under /beta, see api_paths.h):
//   POST /v1.0/verifiableCredentials/credentials/{id}/revoke                 -> 204
//   POST /v1.0/verifiableCredentials/contracts/{cid}/credentials/revoke
//        {"claimValue": "…"}  (by the contract's indexed claim)              -> 204
#pragma once

#include <atomic>

#include "common/base/clock.h"
#include "common/http/http_server.h"
#include "request_service/auth.h"
#include "request_service/publishing.h"
#include "request_service/requests.h"
#include "request_service/verification.h"
#include "request_service/wallet_protocol.h"

namespace vc::request_service {

// The service can only be built once the listener's port is known (its public
// URL and did:web contain it), and routes must be registered before Start():
// handlers reach the parts through this slot and answer 503 until all are set.
struct RequestServiceParts {
  Requests& requests;
  WalletProtocol& wallet;
  Publishing& publishing;
  Verification& verification;
  TokenService& tokens;
};

class RequestServiceSlot {
 public:
  // Once, when every part exists (it must then outlive the server); handlers on
  // any thread see them from then on.
  void Publish(const RequestServiceParts* parts) { parts_.store(parts, std::memory_order_release); }
  // nullptr until Publish().
  const RequestServiceParts* parts() const { return parts_.load(std::memory_order_acquire); }

 private:
  std::atomic<const RequestServiceParts*> parts_{nullptr};
};

// `slot` must outlive the server. `tenant_id` fixes the wallet paths.
void RegisterRequestServiceRoutes(common::HttpServer& server, const RequestServiceSlot& slot,
                                  const std::string& tenant_id, const common::Clock& clock);

}  // namespace vc::request_service
