#include "server/app_verifier.h"

#include <chrono>
#include <stdexcept>

#include "common/base64url.h"
#include "common/log.h"
#include "verifier/routes.h"

namespace vc::server {
namespace {

constexpr const char* kCallbackSecretName = "verifier-callback";

}  // namespace

// On port 0 the public URL is only known once bound: what the config derived
// from the configured URL is derived again from the bound one.
struct VerifierWiring::Effective {
  std::string base_url, authority, rs_base_url, rs_token_url, rs_authority;
};

namespace {

using Effective = VerifierWiring::Effective;

Effective Derive(const common::Config& c, const std::string& bound) {
  Effective e{c.public_base_url, c.verifier.authority, c.request_service.base_url,
              c.request_service.token_url, c.request_service.authority};
  if (c.listen_port != 0) return e;
  const bool embedded = c.request_service.mode == common::RequestServiceMode::kEmbedded;
  const std::string configured_did = common::DidWebFromUrl(c.public_base_url);
  e.base_url = bound;
  if (e.authority == configured_did) e.authority = common::DidWebFromUrl(bound);
  if (embedded && e.rs_base_url == c.public_base_url + "/v1.0") e.rs_base_url = bound + "/v1.0";
  if (embedded && e.rs_token_url == c.public_base_url + "/oauth2/v2.0/token") {
    e.rs_token_url = bound + "/oauth2/v2.0/token";
  }
  if (embedded && e.rs_authority == configured_did) e.rs_authority = common::DidWebFromUrl(bound);
  return e;
}

std::vector<verifier::Policy> AcceptingBound(std::vector<verifier::Policy> policies,
                                             const std::string& from, const std::string& to) {
  if (from == to) return policies;
  for (auto& p : policies) {
    for (auto& rc : p.requested) {
      for (auto& issuer : rc.accepted_issuers) {
        if (issuer == from) issuer = to;
      }
    }
  }
  return policies;
}

}  // namespace

VerifierWiring::VerifierWiring(const VerifierDeps& deps)
    : deps_(deps),
      policies_(verifier::LoadPolicies(deps.config.verifier)),
      api_keys_(deps.config.api_keys),
      loopback_(deps.http, deps.server) {
  verifier::VerifierRouteOptions routes;
  routes.demo = deps.config.environment == common::Environment::kDevelopment;
  routes.banner = routes.demo ? "DEVELOPMENT" : "";
  verifier::RegisterVerifierRoutes(deps.server, service_ptr_, api_keys_, routes);
}

VerifierWiring::~VerifierWiring() { Stop(); }

void VerifierWiring::Start(const std::string& bound_base_url) {
  const common::Config& c = deps_.config;
  const Effective e = Derive(c, bound_base_url);
  auto secret = deps_.keys.SecretOrCreate(kCallbackSecretName);
  if (!secret) throw std::runtime_error("verifier callback secret: " + secret.error().message);
  if (c.HasRole(common::Role::kRequestService) &&
      c.request_service.mode == common::RequestServiceMode::kEmbedded) {
    loopback_.SetBaseUrl(e.base_url);
  }
  BuildClients(e);
  // Raw random bytes; the header carries text.
  verifier::VerifierOptions vo{e.authority, e.base_url + "/api/verifier/callback",
                               common::Base64UrlEncode(*secret),
                               c.verifier.result_retention_seconds, c.verifier.webhook};
  service_ = std::make_unique<verifier::VerifierService>(
      vo, AcceptingBound(policies_, c.request_service.authority, e.rs_authority), deps_.db,
      *client_, *resolver_, *status_, *domains_, deps_.clock);
  StartWorkers();
  service_ptr_ = service_.get();
  common::LogInfo("verifier_started", {{"authority", e.authority},
                                       {"policies", static_cast<int64_t>(policies_.size())}});
}

void VerifierWiring::BuildClients(const Effective& e) {
  auto options = credentials::RequestServiceClientOptions::FromConfig(deps_.config.request_service);
  options.base_url = e.rs_base_url;
  options.token_url = e.rs_token_url;
  client_ = std::make_unique<credentials::RequestServiceClient>(options, loopback_, deps_.clock);
  const bool plain_http = e.base_url.rfind("http://", 0) == 0;
  resolver_ = std::make_unique<credentials::DidResolver>(
      loopback_, deps_.clock, credentials::DidResolverOptions{plain_http ? "http" : "https", 300});
  status_ = std::make_unique<credentials::HttpStatusChecker>(loopback_, *resolver_, deps_.clock);
  domains_ =
      std::make_unique<credentials::HttpLinkedDomainChecker>(loopback_, *resolver_, deps_.clock);
}

void VerifierWiring::StartWorkers() {
  webhooks_ = std::make_unique<common::HttpOutbox>(deps_.db, verifier::kWebhookTable, deps_.http,
                                                   deps_.clock);
  webhook_worker_ = std::make_unique<common::OutboxWorker>(*webhooks_);
  service_->SetWebhookNotifier([w = webhook_worker_.get()] { w->Notify(); });
  purger_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::seconds(60), [this] { return stop_; })) {
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
