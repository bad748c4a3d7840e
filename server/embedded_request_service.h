// The embedded Request Service as vcserver runs it: routes registered at
// construction, the service built once the listener is bound (its public URL
// and did:web contain the port when the config listens on port 0), and the
// outbox worker delivering callbacks. With no client in requestService.clients,
// one client is generated into the data dir (DESIGN §3) and the config's
// requestService.clientId/clientSecret point at it so the issuer and verifier
// of this process can use it.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "common/base/clock.h"
#include "common/config/config.h"
#include "common/http/http_client.h"
#include "common/http/http_server.h"
#include "common/store/store.h"
#include "keys/key_store.h"
#include "request_service/auth.h"

namespace vc::server {

class EmbeddedRequestService {
 public:
  // `outbound` fetches what wallets and clients name (holder and issuer DIDs,
  // status lists, linked domains) and delivers callbacks: the guarded client.
  // Throws std::runtime_error when the client secret cannot be created.
  EmbeddedRequestService(common::Config& config, common::Database& db, keys::KeyStore& keys,
                         common::HttpClient& http, common::HttpClient& outbound,
                         const common::Clock& clock, common::HttpServer& server);
  ~EmbeddedRequestService();

  // `bound_base_url` is used as the public URL when the config listens on port 0.
  void Start(const std::string& bound_base_url);
  void Stop();

  // The token service once started (nullptr before): what verifies clients.
  const request_service::TokenService* tokens() const;

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
  std::atomic<const request_service::TokenService*> tokens_{nullptr};  // set once, by Start
};

}  // namespace vc::server
