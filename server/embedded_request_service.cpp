#include "server/embedded_request_service.h"

#include <stdexcept>

#include "common/base/log.h"
#include "credentials/contract_config.h"
#include "credentials/did_resolver.h"
#include "credentials/published.h"
#include "request_service/auth.h"
#include "request_service/outbox.h"
#include "request_service/routes.h"
#include "request_service/service.h"
#include "server/outbox_options.h"

namespace vc::server {
using request_service::kEmbeddedClientId;
using request_service::kEmbeddedClientSecretName;
using request_service::kTokenKeySecretName;

struct EmbeddedRequestService::Parts {
  common::Config& config;
  common::Database& db;
  keys::KeyStore& keys;
  common::HttpClient& http;
  common::HttpClient& outbound;
  const common::Clock& clock;
  request_service::RequestServiceSlot slot;
  std::unique_ptr<credentials::DidResolver> resolver;
  std::unique_ptr<credentials::HttpStatusChecker> status;
  std::unique_ptr<credentials::HttpLinkedDomainChecker> domains;
  std::unique_ptr<request_service::RequestService> service;
  std::unique_ptr<request_service::TokenService> tokens;
  std::unique_ptr<request_service::RequestServiceParts> parts;  // what the slot publishes
  std::unique_ptr<request_service::CallbackOutbox> outbox;
  std::unique_ptr<request_service::OutboxWorker> worker;
};

EmbeddedRequestService::EmbeddedRequestService(common::Config& config, common::Database& db,
                                               keys::KeyStore& keys, common::HttpClient& http,
                                               common::HttpClient& outbound,
                                               const common::Clock& clock,
                                               common::HttpServer& server)
    : parts_(
          new Parts{config, db, keys, http, outbound, clock, {}, {}, {}, {}, {}, {}, {}, {}, {}}) {
  auto& rs = config.request_service;
  // This process's own client (the issuer's and verifier's), beside any clients
  // the config lists for other backends, unless the config names the one to use.
  if (rs.clients.empty() || rs.client_id.empty()) {
    auto secret = keys.SecretOrCreate(kEmbeddedClientSecretName);
    if (!secret) throw std::runtime_error("request service client: " + secret.error().message);
    rs.clients.push_back({kEmbeddedClientId,
                          *secret,
                          {request_service::kRoleCreateAll, request_service::kRoleRevoke}});
    if (rs.client_id.empty()) {
      rs.client_id = kEmbeddedClientId;
      rs.client_secret = *secret;
    }
  }
  request_service::RegisterRequestServiceRoutes(server, parts_->slot, rs.tenant_id, clock);
}

EmbeddedRequestService::~EmbeddedRequestService() { Stop(); }

void EmbeddedRequestService::Start(const std::string& bound_base_url) {
  auto& p = *parts_;
  // Port 0 with a public URL that still names port 0 (not rebased by the App):
  // the bound address is the public one. Any other publicBaseUrl names what is
  // in front (a TLS terminator, a load balancer before several instances) and
  // is kept.
  const bool ephemeral = p.config.listen_port == 0 && p.config.public_base_url.ends_with(":0");
  request_service::RequestServiceOptions o;
  o.public_base_url = ephemeral ? bound_base_url : p.config.public_base_url;
  o.tenant_id = p.config.request_service.tenant_id;
  o.request_lifetime_seconds = p.config.request_service.request_lifetime_seconds;
  o.alg = common::ParseAlg(p.config.request_service.signing_alg).value_or(common::JwsAlg::kES256);
  o.authority =
      ephemeral ? common::DidWebFromUrl(bound_base_url) : p.config.request_service.authority;
  o.callback_policy = p.config.outbound.policy;
  const bool plain_http = o.public_base_url.rfind("http://", 0) == 0;
  p.resolver = std::make_unique<credentials::DidResolver>(
      p.outbound, p.clock, credentials::DidResolverOptions{plain_http ? "http" : "https", 300});
  p.status = std::make_unique<credentials::HttpStatusChecker>(p.outbound, *p.resolver, p.clock);
  p.domains =
      std::make_unique<credentials::HttpLinkedDomainChecker>(p.outbound, *p.resolver, p.clock);
  p.service = std::make_unique<request_service::RequestService>(
      o, p.db, p.keys, credentials::ParseContracts(p.config), *p.resolver, *p.status, *p.domains,
      p.clock);
  auto key = p.keys.SecretOrCreate(kTokenKeySecretName);
  if (!key) throw std::runtime_error("request service token key: " + key.error().message);
  p.tokens = std::make_unique<request_service::TokenService>(
      p.config.request_service.clients, *key, o.tenant_id, p.clock, o.public_base_url);
  const auto& ob = p.config.outbound.outbox;
  p.outbox = std::make_unique<request_service::CallbackOutbox>(p.db, p.outbound, p.clock,
                                                               OutboxOptionsFrom(ob));
  p.worker = std::make_unique<request_service::OutboxWorker>(
      *p.outbox, common::OutboxWorkerOptions{500, static_cast<int>(ob.max_destinations), 60'000});
  p.service->authority().SetOutboxNotifier([w = p.worker.get()] { w->Notify(); });
  p.parts =
      std::make_unique<request_service::RequestServiceParts>(request_service::RequestServiceParts{
          p.service->requests(), p.service->wallet(), p.service->publishing(),
          p.service->verification(), *p.tokens});
  p.slot.Publish(p.parts.get());
  tokens_.store(p.tokens.get(), std::memory_order_release);
  common::LogInfo("request_service_started",
                  {{"authority", o.authority}, {"base_url", o.public_base_url}});
}

const request_service::TokenService* EmbeddedRequestService::tokens() const {
  return tokens_.load(std::memory_order_acquire);
}

void EmbeddedRequestService::Stop() {
  if (!parts_) return;
  parts_->worker.reset();  // joins the delivery thread
}

}  // namespace vc::server
