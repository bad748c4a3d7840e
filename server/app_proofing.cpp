#include "server/app_proofing.h"

#include <chrono>
#include <stdexcept>

#include "common/base/log.h"
#include "issuer/alibaba_provider.h"
#include "issuer/identity_routes.h"
#include "issuer/jumio_provider.h"
#include "issuer/proofing_attempts.h"
#include "issuer/proofing_pages.h"
#include "issuer/proofing_routes.h"
#include "issuer/provider_config.h"

namespace vc::server {
namespace {

std::string MustSecret(keys::KeyStore& keys, const std::string& name) {
  auto secret = keys.SecretOrCreate(name);
  if (!secret) throw std::runtime_error("secret " + name + ": " + secret.error().message);
  return *secret;
}

// The provider configured for a record owner: an org's, or an Auth0 tenant's.
std::string ProviderForOwner(const common::Config& config, const issuer::OrgRegistry& orgs,
                             const std::string& owner) {
  if (const issuer::Org* org = orgs.Find(owner)) return org->proofing;
  for (const auto& a : config.auth0) {
    if (a.domain == owner) return a.proofing;
  }
  return "";
}

}  // namespace

std::shared_ptr<issuer::ProofingProvider> ProofingWiring::MakeProvider(
    const ProofingDeps& d, const std::string& name, const common::ProofingProviderConfig& p) {
  if (p.type == common::ProviderType::kSandbox) {
    if (d.config.environment == common::Environment::kProduction) {
      throw common::ConfigError("proofingProviders." + name,
                                "the sandbox provider is refused when environment is production");
    }
    auto sandbox = std::make_shared<issuer::SandboxProvider>(
        d.config.public_base_url, MustSecret(d.keys, "sandbox-callback"), d.db, d.http, d.clock);
    sandboxes_.push_back(sandbox);
    return sandbox;
  }
  if (p.type == common::ProviderType::kAlibaba) {
    return std::make_shared<issuer::AlibabaProvider>(
        issuer::ParseAlibabaOptions(p.node, d.config.context()), d.http, d.clock);
  }
  issuer::JumioOptions o = issuer::ParseJumioOptions(p.node, d.config.context());
  // Without a configured secret, a generated one still authenticates callbacks.
  if (o.callback_secret.empty()) o.callback_secret = MustSecret(d.keys, "jumio-callback-" + name);
  return std::make_shared<issuer::JumioProvider>(o, d.http, d.clock);
}

ProofingWiring::ProofingWiring(const ProofingDeps& d) : config_(d.config), orgs_(d.orgs) {
  auto st = issuer::MigrateProofing(d.db);
  if (!st) throw std::runtime_error("database migration: " + st.error().message);
  crypto_ = std::make_unique<issuer::IdentityCrypto>(MustSecret(d.keys, "identity-aes"),
                                                     MustSecret(d.keys, "identity-lookup"));
  std::map<std::string, std::shared_ptr<issuer::ProofingProvider>> providers;
  for (const auto& [name, p] : d.config.proofing_providers) {
    if (auto provider = MakeProvider(d, name, p)) providers.emplace(name, provider);
  }
  issuer::ProofingServiceOptions options;
  options.public_base_url = d.config.public_base_url;
  options.production = d.config.environment == common::Environment::kProduction;
  options.defer_callback_fetch = true;  // answer callbacks at once; the poller fetches
  options.on_queued = [this] {
    {
      std::lock_guard lock(mu_);
      work_ = true;
    }
    cv_.notify_all();
  };
  service_ = std::make_unique<issuer::ProofingService>(options, providers, d.db, *crypto_, d.clock);
  // Before serving: checks whose verdict can no longer arrive (sandbox checks
  // lost with the last process) expire, and their users can start again.
  if (int expired = service_->ExpireForgotten(); expired > 0) {
    common::LogInfo("proofing_checks_expired", {{"count", expired}, {"reason", "restart"}});
  }
  const common::Config& config = d.config;
  const issuer::OrgRegistry& orgs = d.orgs;
  auth_ = std::make_unique<issuer::ApiAuthenticator>(d.config.api_keys, d.intake.sessions());
  identities_ = std::make_unique<issuer::IdentityService>(
      *service_, d.db, *crypto_, d.clock,
      [&config, &orgs](const std::string& owner) { return ProviderForOwner(config, orgs, owner); });
  audit_ = std::make_unique<issuer::AuditLog>(d.db, d.clock);
  issuer::RegisterIdentityRoutes(d.server, *identities_, *auth_, *audit_);
}

std::string ProofingWiring::BannerFor(const issuer::Session& s) const {
  return service_->IsSandbox(ProviderForOwner(config_, orgs_, s.org_id)) ? issuer::kSandboxBanner
                                                                         : "";
}

std::string ProofingWiring::OrgNameFor(const issuer::OrgRegistry& orgs, const issuer::Session& s) {
  const issuer::Org* org = orgs.Find(s.org_id);
  return org && !org->name.empty() ? org->name : s.org_id;
}

void ProofingWiring::RegisterRoutes(const ProofingDeps& d, issuer::ProofingHandOff hand_off,
                                    std::function<bool(const issuer::Session&)> issues_credential) {
  issuer::ProofingRouteOptions routes;
  routes.public_base_url = d.config.public_base_url;
  const common::Config& config = d.config;
  const issuer::OrgRegistry& orgs = d.orgs;
  routes.provider_for = [&config, &orgs](const issuer::Session& s) {
    return ProviderForOwner(config, orgs, s.org_id);
  };
  routes.hand_off = std::move(hand_off);
  routes.issues_credential = std::move(issues_credential);
  routes.org_name_for = [&orgs](const issuer::Session& s) { return OrgNameFor(orgs, s); };
  issuer::RegisterProofingRoutes(d.server, d.intake, *service_,
                                 sandboxes_.empty() ? nullptr : sandboxes_.front().get(), routes);
}

ProofingWiring::~ProofingWiring() { Stop(); }

void ProofingWiring::Start() {
  for (auto& s : sandboxes_) s->StartWorker();
  poller_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stop_) {
      cv_.wait_for(lock, std::chrono::seconds(10), [this] { return stop_ || work_; });
      if (stop_) break;
      work_ = false;
      lock.unlock();
      service_->ProcessQueued();
      service_->PollDue();
      lock.lock();
    }
  });
}

void ProofingWiring::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (poller_.joinable()) poller_.join();
  for (auto& s : sandboxes_) s->StopWorker();
}

}  // namespace vc::server
