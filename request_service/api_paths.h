// The Request Service's REST paths beyond those each part registers: the
// /beta aliases Entra serves beside /v1.0, and what an unrouted path under
// /v1.0 or /beta answers — the Entra error envelope (404 notFound, or 405
// methodNotAllowed with Allow when the path exists for another method), never
// the server's generic {"error","message"}.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/base/clock.h"
#include "common/http/http_router.h"
#include "common/http/http_server.h"

namespace vc::request_service {

class ApiPaths {
 public:
  ApiPaths() : known_(std::make_shared<common::HttpRouter>()) {}

  // The patterns to register for (`method`, `pattern`): the pattern itself and,
  // for /v1.0/verifiableCredentials/…, its /beta/verifiableCredentials/… alias
  // (the samples call FaceCheck presentations there). Remembers them.
  std::vector<std::string> Routed(const std::string& method, const std::string& pattern);

  // Registers "/v1.0/*path" and "/beta/*path" for the usual methods, answering
  // from what Routed() remembered by the time a request arrives. Call once.
  void RegisterFallback(common::HttpServer& server, const common::Clock& clock) const;

 private:
  std::shared_ptr<common::HttpRouter> known_;
};

}  // namespace vc::request_service
