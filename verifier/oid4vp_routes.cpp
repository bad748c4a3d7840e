#include "verifier/oid4vp_routes.h"

#include "common/http/media_type.h"

namespace vc::verifier {
using common::HttpServerRequest;
using common::HttpServerResponse;

namespace {

HttpServerResponse Answer(const WalletAnswer& a) {
  return HttpServerResponse::Text(a.status, a.body, a.content_type)
      .SetHeader("Cache-Control", "no-store");
}

HttpServerResponse Unavailable() {
  return Answer({503, "application/json",
                 R"({"error":"temporarily_unavailable","error_description":"starting"})"});
}

}  // namespace

void RegisterOid4vpRoutes(common::HttpServer& server, Oid4vpService* const& service) {
  server.Route("GET", "/oid4vp/requests/:state", [&service](const HttpServerRequest& req) {
    if (!service) return Unavailable();
    return Answer(service->RequestObject(std::string(req.PathParam("state"))));
  });
  server.Route("POST", "/oid4vp/response", [&service](const HttpServerRequest& req) {
    if (!service) return Unavailable();
    if (!common::HasMediaType(req, common::kFormMediaType)) {
      return Answer({415, "application/json",
                     R"({"error":"invalid_request","error_description":)"
                     R"("the response must be application/x-www-form-urlencoded"})"});
    }
    return Answer(service->Respond(req.body));
  });
  server.Route("GET", "/oid4vp/did.json", [&service](const HttpServerRequest&) {
    if (!service) return Unavailable();
    return Answer(service->DidDocument());
  });
}

}  // namespace vc::verifier
