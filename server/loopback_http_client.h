// An HttpClient that serves requests to this process's own public URL in process
// (HttpServer::HandleInProcess) and sends every other request over the network.
// The verifier uses it to call the embedded Request Service, resolve its did:web and
// read its status lists: from inside a request handler, a call to the same listener
// over a socket can wait for the very thread that is waiting (see HandleInProcess).
#pragma once

#include <mutex>
#include <string>

#include "common/http/http_client.h"
#include "common/http/http_server.h"

namespace vc::server {

class LoopbackHttpClient final : public common::HttpClient {
 public:
  LoopbackHttpClient(common::HttpClient& network, const common::HttpServer& server)
      : network_(network), server_(server) {}

  // URLs equal to `base_url` or under `base_url + "/"` are served in process.
  void SetBaseUrl(std::string base_url);

  // In-process answers: the handler's status, headers (lower-cased, Content-Type
  // included) and body; a malformed query string is a 400 as over the network.
  common::Result<common::HttpResponse> Send(const common::HttpRequest& request) override;

 private:
  common::HttpClient& network_;
  const common::HttpServer& server_;
  mutable std::mutex mu_;
  std::string base_url_;
};

}  // namespace vc::server
