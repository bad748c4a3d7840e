// The verifier part of the vcserver wiring: policies from config (validated at
// construction, before the server listens), the routes, and once the server is
// bound the Request Service client, the VerifierService and its OpenID4VP part
// (signing key, issuer key and status list readers), the webhook outbox worker
// and the purge timer. Apart from app.cpp so each component's wiring merges alone.
// deps.http serves calls to this process's own URL in process (the embedded Request
// Service, our did:web and status lists; loopback_http_client.h).
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/base/clock.h"
#include "common/config/api_keys.h"
#include "common/config/config.h"
#include "common/http/http_client.h"
#include "common/http/http_server.h"
#include "common/http/outbox.h"
#include "common/http/outbox_worker.h"
#include "common/store/store.h"
#include "credentials/did_resolver.h"
#include "credentials/published.h"
#include "credentials/request_service_client.h"
#include "credentials/sd_jwt_vc_issuer.h"
#include "credentials/token_status_fetch.h"
#include "keys/key_store.h"
#include "server/app_deps.h"
#include "verifier/oid4vp_service.h"
#include "verifier/policy.h"
#include "verifier/service.h"

namespace vc::server {

using VerifierDeps = AppDeps;

class VerifierWiring {
 public:
  // Parses the policies (common::ConfigError naming the JSON path at fault) and
  // registers the routes; they answer 503 until Start().
  explicit VerifierWiring(const VerifierDeps& deps);
  ~VerifierWiring();

  // Call once the server is bound and after the embedded Request Service was
  // constructed (it fills in requestService.clientId). Throws std::runtime_error
  // when the callback secret cannot be created.
  void Start();
  void Stop();  // idempotent

 private:
  void BuildClients();
  void BuildOpenId4Vp();
  void StartWorkers();

  VerifierDeps deps_;
  std::vector<verifier::Policy> policies_;
  common::ApiKeyVerifier api_keys_;
  verifier::VerifierService* service_ptr_ = nullptr;  // read by the routes
  std::unique_ptr<credentials::RequestServiceClient> client_;
  std::unique_ptr<credentials::DidResolver> resolver_;
  std::unique_ptr<credentials::HttpStatusChecker> status_;
  std::unique_ptr<credentials::HttpLinkedDomainChecker> domains_;
  std::unique_ptr<verifier::VerifierService> service_;
  verifier::Oid4vpService* oid4vp_ptr_ = nullptr;  // read by the OpenID4VP routes
  std::unique_ptr<credentials::SdJwtIssuerKeys> issuer_keys_;
  std::unique_ptr<credentials::TokenStatusFetcher> token_status_;
  std::unique_ptr<verifier::Oid4vpService> oid4vp_;
  std::unique_ptr<common::HttpOutbox> webhooks_;
  std::unique_ptr<common::OutboxWorker> webhook_worker_;
  std::thread purger_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
};

}  // namespace vc::server
