#include "verifier/routes.h"

#include "common/base/json.h"
#include "common/base/log.h"
#include "common/http/qr.h"
#include "common/http/task_handler.h"
#include "verifier/demo_page.h"

namespace vc::verifier {
using common::HttpServerRequest;
using common::HttpServerResponse;

namespace {

HttpServerResponse Error(const ApiError& e) {
  common::JsonWriter w;
  w->StartObject();
  w.Member("error", e.code);
  w.Member("message", e.message);
  if (!e.field.empty()) {
    w.Member("field", e.field);
  }
  w->EndObject();
  auto resp = HttpServerResponse::Json(e.status, w.str());
  if (e.status == 503) resp.SetHeader("Retry-After", "5");
  return resp;
}

HttpServerResponse Unavailable() {
  return HttpServerResponse::JsonError(503, "not_ready", "the verifier is starting; try again");
}

HttpServerResponse Created(const CreatedPresentation& c, bool svg) {
  common::JsonWriter w;
  w->StartObject();
  w.Member("id", c.id);
  w.Member("url", c.url);
  w.Member("expiry", c.expiry);
  w.Member("qr", common::QrCodeDataUri(c.url));
  if (svg) {
    w.Member("qrSvg", common::QrCodeSvg(c.url, "QR code to present a credential"));
  }
  w->EndObject();
  return HttpServerResponse::Json(201, w.str());
}

HttpServerResponse CreateFor(VerifierService& svc, const std::string& org,
                             const HttpServerRequest& req, bool svg) {
  if (auto bad = common::RequireJsonContentType(req)) return *bad;
  auto r = svc.Create(org, req.body);
  return r.ok() ? Created(*r.value, svg) : Error(r.error);
}

HttpServerResponse GetFor(VerifierService& svc, const std::string& org,
                          const HttpServerRequest& req) {
  auto r = svc.Get(org, std::string(req.PathParam("id")));
  return r.ok() ? HttpServerResponse::Json(200, *r.value) : Error(r.error);
}

// The org an API key acts for: its own, or any ("*") for an admin key.
std::optional<std::string> CallerOrg(const common::ApiKeyVerifier& keys,
                                     const HttpServerRequest& req) {
  auto match = keys.Match(req);
  if (!match) return std::nullopt;
  return match->admin ? std::string("*") : match->org;
}

HttpServerResponse Unauthorized() {
  return HttpServerResponse::JsonError(401, "unauthorized",
                                       "an API key is required: Authorization: Bearer <key>")
      .SetHeader("WWW-Authenticate", "Bearer");
}

// On the event loop: the lookup on a reader thread, the re-check of a verified
// presentation on the blocking pool, the answer from the commit's completion.
void Callback(const common::HttpServer& server, VerifierService& service,
              const HttpServerRequest& req, const common::HttpResponder& respond) {
  std::optional<std::string> key;
  if (auto h = req.Header("api-key")) key.emplace(*h);
  common::RespondWhenDone(
      service.HandleCallbackTask(
          std::move(key), req.body,
          [&server](std::function<void()> f) { server.RunBlocking(std::move(f)); }),
      [](CallbackAnswer a) { return HttpServerResponse::Json(a.status, a.body); }, respond,
      common::HandlerLabel::Of(req));
}

void RegisterDemo(common::HttpServer& server, VerifierService* const& service,
                  const VerifierRouteOptions& o) {
  server.Route("GET", "/verifier", [&service, o](const HttpServerRequest&) {
    if (!service) return Unavailable();
    return DemoPageResponse(service->policies(), o.banner);
  });
  server.Route("POST", "/verifier/demo/requests", [&service](const HttpServerRequest& req) {
    if (!service) return Unavailable();
    return CreateFor(*service, kDemoOrg, req, true);
  });
  server.Route("GET", "/verifier/demo/requests/:id", [&service](const HttpServerRequest& req) {
    if (!service) return Unavailable();
    return GetFor(*service, kDemoOrg, req);
  });
}

}  // namespace

void RegisterVerifierRoutes(common::HttpServer& server, VerifierService* const& service,
                            const common::ApiKeyVerifier& keys,
                            const VerifierRouteOptions& options) {
  server.Route("POST", "/api/verifier/presentation-requests",
               [&service, &keys](const HttpServerRequest& req) {
                 auto org = CallerOrg(keys, req);
                 if (!org) return Unauthorized();
                 if (!service) return Unavailable();
                 // An admin key without an org creates requests only admins can read back.
                 return CreateFor(*service, *org == "*" ? "" : *org, req, false);
               });
  server.Route("GET", "/api/verifier/presentation-requests/:id",
               [&service, &keys](const HttpServerRequest& req) {
                 auto org = CallerOrg(keys, req);
                 if (!org) return Unauthorized();
                 if (!service) return Unavailable();
                 return GetFor(*service, *org, req);
               });
  server.RouteAsync(
      "POST", "/api/verifier/callback",
      [&server, &service](const HttpServerRequest& req, const common::HttpResponder& respond) {
        if (!service) return respond(Unavailable());
        Callback(server, *service, req, respond);
      });
  if (options.demo) RegisterDemo(server, service, options);
}

}  // namespace vc::verifier
