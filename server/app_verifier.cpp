#include "server/app_verifier.h"

#include <chrono>
#include <stdexcept>

#include "common/base/base64url.h"
#include "common/base/log.h"
#include "common/store/job_lease.h"
#include "server/outbox_options.h"
#include "verifier/oid4vp_routes.h"
#include "verifier/routes.h"

namespace vc::server {
namespace {

constexpr const char* kCallbackSecretName = "verifier-callback";

}  // namespace

VerifierWiring::VerifierWiring(const VerifierDeps& deps)
    : deps_(deps),
      policies_(verifier::LoadPolicies(
          deps.config.verifier, deps.config.environment == common::Environment::kProduction)),
      api_keys_(deps.config.api_keys) {
  // Refused in production (LoadPolicies); elsewhere said once at startup.
  for (size_t i = 0; i < policies_.size(); ++i) {
    for (const auto& path :
         verifier::OpenIssuerPaths(policies_[i], "verifier.policies[" + std::to_string(i) + "].")) {
      common::LogWarn("policy_accepts_any_issuer",
                      {{"policy", policies_[i].id},
                       {"path", path + ".acceptedIssuers"},
                       {"fix", "name the issuer DIDs this policy trusts"}});
    }
  }
  verifier::VerifierRouteOptions routes;
  routes.demo = deps.config.environment == common::Environment::kDevelopment;
  routes.banner = routes.demo ? "DEVELOPMENT" : "";
  verifier::RegisterVerifierRoutes(deps.server, service_ptr_, api_keys_, routes);
  verifier::RegisterOid4vpRoutes(deps.server, oid4vp_ptr_);
}

VerifierWiring::~VerifierWiring() { Stop(); }

void VerifierWiring::Start() {
  const common::Config& c = deps_.config;
  auto secret = deps_.keys.SecretOrCreate(kCallbackSecretName);
  if (!secret) throw std::runtime_error("verifier callback secret: " + secret.error().message);
  BuildClients();
  // Raw random bytes; the header carries text.
  verifier::VerifierOptions vo{c.verifier.authority, c.public_base_url + "/api/verifier/callback",
                               common::Base64UrlEncode(*secret),
                               c.verifier.result_retention_seconds, c.verifier.webhook};
  vo.require_accepted_issuers = c.environment == common::Environment::kProduction;
  service_ = std::make_unique<verifier::VerifierService>(
      vo, policies_, deps_.db, *client_, *resolver_, *status_, *domains_, deps_.clock);
  BuildOpenId4Vp();
  StartWorkers();
  service_ptr_ = service_.get();
  oid4vp_ptr_ = oid4vp_.get();
  common::LogInfo("verifier_started", {{"authority", c.verifier.authority},
                                       {"policies", static_cast<int64_t>(policies_.size())}});
}

void VerifierWiring::BuildClients() {
  auto options = credentials::RequestServiceClientOptions::FromConfig(deps_.config.request_service);
  client_ = std::make_unique<credentials::RequestServiceClient>(options, deps_.http, deps_.clock);
  // What receipts name (holder and issuer DIDs, status lists, linked domains)
  // is fetched through the outbound policy.
  const bool plain_http = deps_.config.public_base_url.rfind("http://", 0) == 0;
  resolver_ = std::make_unique<credentials::DidResolver>(
      deps_.outbound, deps_.clock,
      credentials::DidResolverOptions{plain_http ? "http" : "https", 300});
  status_ =
      std::make_unique<credentials::HttpStatusChecker>(deps_.outbound, *resolver_, deps_.clock);
  domains_ = std::make_unique<credentials::HttpLinkedDomainChecker>(deps_.outbound, *resolver_,
                                                                    deps_.clock);
}

// Issuer metadata and status lists are URLs a presented credential names:
// fetched only for a response bound to one of our requests, for an issuer the
// policy accepts, through the outbound policy (no private addresses unless
// allow-listed, no redirects, caps).
void VerifierWiring::BuildOpenId4Vp() {
  issuer_keys_ =
      std::make_unique<credentials::SdJwtIssuerKeys>(deps_.outbound, *resolver_, deps_.clock);
  token_status_ =
      std::make_unique<credentials::TokenStatusFetcher>(deps_.outbound, *issuer_keys_, deps_.clock);
  verifier::Oid4vpOptions o;
  o.public_base_url = deps_.config.public_base_url;
  oid4vp_ = std::make_unique<verifier::Oid4vpService>(
      o, deps_.db, deps_.keys, *issuer_keys_, *token_status_, service_->webhooks(), deps_.clock);
  service_->SetOpenId4Vp(oid4vp_.get());
}

void VerifierWiring::StartWorkers() {
  const auto& ob = deps_.config.outbound.outbox;
  webhooks_ =
      std::make_unique<common::HttpOutbox>(deps_.db, verifier::kWebhookTable, deps_.outbound,
                                           deps_.clock, OutboxOptionsFrom(ob), "webhooks");
  webhook_worker_ = std::make_unique<common::OutboxWorker>(
      *webhooks_, common::OutboxWorkerOptions{500, static_cast<int>(ob.max_destinations), 60'000});
  service_->SetWebhookNotifier([w = webhook_worker_.get()] { w->Notify(); });
  purger_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::seconds(60), [this] { return stop_; })) {
      // One instance purges per round (common/store/job_lease.h).
      auto leased = common::TryLease(deps_.db, "verifier_purge", deps_.instance_id, 50'000,
                                     deps_.clock.NowMillis());
      if (!leased || !*leased) continue;
      auto removed = service_->Purge();
      if (!removed) common::LogWarn("verifier_purge_failed", {{"error", removed.error().message}});
    }
  });
}

void VerifierWiring::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (purger_.joinable()) purger_.join();
  webhook_worker_.reset();
}

}  // namespace vc::server
