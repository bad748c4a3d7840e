// The proofing part of the vcserver wiring: providers from config, the
// proofing service and its routes, the sandbox callback workers and the
// polling timer. Apart from app.cpp so each component's wiring merges alone.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/base/clock.h"
#include "common/config/config.h"
#include "common/http/http_client.h"
#include "common/http/http_server.h"
#include "common/store/store.h"
#include "issuer/api_auth.h"
#include "issuer/audit_log.h"
#include "issuer/identity_service.h"
#include "issuer/intake.h"
#include "issuer/orgs.h"
#include "issuer/proofing_routes.h"
#include "issuer/proofing_service.h"
#include "issuer/sandbox_provider.h"
#include "keys/key_store.h"
#include "server/app_deps.h"

namespace vc::server {

struct ProofingDeps : AppDeps {
  issuer::IntakeService& intake;
  const issuer::OrgRegistry& orgs;
};

class ProofingWiring {
 public:
  // Builds providers and the services, and registers the identity API
  // (before the server starts). Throws common::ConfigError when a sandbox
  // provider is configured in production, std::runtime_error when keys cannot
  // be read.
  explicit ProofingWiring(const ProofingDeps& deps);
  ~ProofingWiring();

  // Registers the proofing journey's routes; a user who continues after a
  // verdict meets `hand_off` (issuance's, which is built after this wiring
  // because it reads the identity records through service()).
  void RegisterRoutes(const ProofingDeps& deps, issuer::ProofingHandOff hand_off,
                      std::function<bool(const issuer::Session&)> issues_credential);

  // The banner of a session's pages: SANDBOX when its provider is a sandbox.
  std::string BannerFor(const issuer::Session& s) const;
  // The display name of the session's org (its id for Auth0 tenants and unnamed orgs).
  static std::string OrgNameFor(const issuer::OrgRegistry& orgs, const issuer::Session& s);

  void Start();  // sandbox callback workers, polling timer
  void Stop();   // idempotent

  issuer::ProofingService& service() { return *service_; }
  issuer::IdentityService& identities() { return *identities_; }
  const issuer::ApiAuthenticator& auth() const { return *auth_; }

 private:
  std::shared_ptr<issuer::ProofingProvider> MakeProvider(const ProofingDeps& deps,
                                                         const std::string& name,
                                                         const common::ProofingProviderConfig& p);
  std::unique_ptr<issuer::IdentityCrypto> crypto_;
  std::vector<std::shared_ptr<issuer::SandboxProvider>> sandboxes_;
  std::unique_ptr<issuer::ProofingService> service_;
  std::unique_ptr<issuer::ApiAuthenticator> auth_;
  std::unique_ptr<issuer::IdentityService> identities_;
  std::unique_ptr<issuer::AuditLog> audit_;  // read by the identity API's audit route
  const common::Config& config_;
  const issuer::OrgRegistry& orgs_;
  std::thread poller_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool work_ = false;  // callbacks queued since the poller last ran
};

}  // namespace vc::server
