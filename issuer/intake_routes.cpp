#include "issuer/intake_routes.h"

#include "common/base/log.h"
#include "common/http/html.h"
#include "common/http/media_type.h"

namespace vc::issuer {
using common::HttpServerRequest;
using common::HttpServerResponse;

namespace {

HttpServerResponse ErrorBody(const HttpServerRequest& req, int status, std::string_view code,
                             std::string_view message, std::string_view user_message,
                             const IntakeRouteOptions& options);

HttpServerResponse Page(int status, const common::PageOptions& page) {
  auto resp = HttpServerResponse::Html(status, common::RenderPage(page));
  resp.SetHeader("Content-Security-Policy", common::PageCsp(page));
  return resp;
}

HttpServerResponse ErrorResponse(const HttpServerRequest& req, int status, std::string_view code,
                                 std::string_view message, std::string_view user_message,
                                 const IntakeRouteOptions& options) {
  auto resp = ErrorBody(req, status, code, message, user_message, options);
  // 503s pass (storage or keys back in a moment): say when to try again.
  if (status == 503) resp.SetHeader("Retry-After", "5");
  return resp;
}

HttpServerResponse ErrorBody(const HttpServerRequest& req, int status, std::string_view code,
                             std::string_view message, std::string_view user_message,
                             const IntakeRouteOptions& options) {
  if (WantsJson(req)) return HttpServerResponse::JsonError(status, code, message);
  common::PageOptions page;
  page.title = "We could not continue";
  page.banner = options.banner;
  page.body_html = "<h1>We could not continue</h1><p>" + common::HtmlEscape(user_message) +
                   "</p><p class=\"muted\">Reference: " + common::HtmlEscape(code) + " · " +
                   common::HtmlEscape(req.mscv) + "</p>";
  return Page(status, page);
}

HttpServerResponse StartedResponse(const IntakeService& intake, const Started& started) {
  auto resp = HttpServerResponse::Redirect(started.next_path);
  resp.SetHeader("Set-Cookie", intake.SetCookieHeader(started));
  return resp;
}

HttpServerResponse JumpstartAnswer(const IntakeService& intake, const HttpServerRequest& req,
                                   const common::Result<Started, JumpstartFailure>& started,
                                   const IntakeRouteOptions& options) {
  if (!started) {
    const auto e = started.error().reason;
    common::LogInfo("jumpstart_refused", {{"org", req.PathParam("org")},
                                          {"code", Code(e)},
                                          {"reason", started.error().message},
                                          {"mscv", req.mscv}});
    return ErrorResponse(req, HttpStatus(e), Code(e), started.error().message, UserMessage(e),
                         options);
  }
  common::LogInfo("jumpstart_accepted", {{"org", started->session.org_id},
                                         {"request_id", started->session.request_id},
                                         {"session", started->session.id},
                                         {"mscv", req.mscv}});
  return StartedResponse(intake, *started);
}

// Out of line: inlined into the completion lambda, GCC 12 at -O1 (the TSan
// build) reports the failure's reason as maybe-uninitialized (a false positive
// through std::variant's move).
[[gnu::noinline]] bool NeedsKeyFetch(const common::Result<Started, JumpstartFailure>& r) {
  return !r.ok() && r.error().reason == JumpstartError::kNeedsKeyFetch;
}

// On the event loop: the RSA verify here, the claim on the storage writer, the
// answer from its completion. Only a first use of an org's JWKS (or a kid miss)
// moves to the blocking pool, where the keys may be fetched.
void Jumpstart(const common::HttpServer& server, IntakeService& intake, HttpServerRequest request,
               const common::HttpResponder& respond, const IntakeRouteOptions& options) {
  std::string token(request.query.Get("token").value_or(""));
  if (request.method == "POST") {
    if (!common::HasMediaType(request, common::kFormMediaType)) {
      return respond(ErrorResponse(request, 415, "unsupported_media_type",
                                   "Content-Type must be application/x-www-form-urlencoded",
                                   UserMessage(JumpstartError::kMalformedToken), options));
    }
    auto form = common::ParseForm(request.body);
    if (!form) {
      return respond(ErrorResponse(request, 400, "malformed_token", form.error().message,
                                   UserMessage(JumpstartError::kMalformedToken), options));
    }
    token = std::string(form->Get("token").value_or(""));
  }
  auto req = std::make_shared<const HttpServerRequest>(std::move(request));
  auto answer = [&intake, req, respond, options](common::Result<Started, JumpstartFailure> r) {
    respond(JumpstartAnswer(intake, *req, r, options));
  };
  intake.StartJumpstartAsync(
      req->PathParam("org"), token, req->mscv, keys::KeyFetch::kNever,
      [&server, &intake, req, token, answer](common::Result<Started, JumpstartFailure> r) {
        if (!NeedsKeyFetch(r)) return answer(std::move(r));
        server.RunBlocking([&intake, req, token, answer] {
          intake.StartJumpstartAsync(req->PathParam("org"), token, req->mscv,
                                     keys::KeyFetch::kAllowed, answer);
        });
      });
}

void Auth0(IntakeService& intake, HttpServerRequest request, const common::HttpResponder& respond,
           const IntakeRouteOptions& options) {
  auto req = std::make_shared<const HttpServerRequest>(std::move(request));
  intake.StartAuth0Async(
      req->query.Get("token").value_or(""), req->query.Get("state").value_or(""), req->mscv,
      [&intake, req, respond, options](common::Result<Started, Auth0Failure> started) {
        if (!started) {
          const auto e = started.error().reason;
          common::LogInfo(
              "auth0_refused",
              {{"code", Code(e)}, {"reason", started.error().message}, {"mscv", req->mscv}});
          return respond(ErrorResponse(*req, HttpStatus(e), Code(e), started.error().message,
                                       UserMessage(e), options));
        }
        respond(StartedResponse(intake, *started));
      });
}

common::Result<Session, SessionFailure> SessionFor(IntakeService& intake,
                                                   const HttpServerRequest& req) {
  const std::string id(req.PathParam("session"));
  return intake.sessions().Authenticate(id, req.Cookie(IntakeService::CookieName(id)));
}

HttpServerResponse SessionErrorResponse(const HttpServerRequest& req, const SessionFailure& e,
                                        const IntakeRouteOptions& options) {
  const bool missing = e.reason == SessionError::kNotFound;
  const int status = HttpStatus(e.reason);
  return ErrorResponse(req, status, Code(e.reason), e.message,
                       missing ? "This verification session does not exist."
                       : e.reason == SessionError::kUnavailable
                           ? "We cannot continue right now. Please try again in a moment."
                       : e.reason == SessionError::kForbidden
                           ? "This verification was started in another browser. Please continue "
                             "there, or go back to the site that sent you and start again."
                           : "This verification session has expired. Please go back to the site "
                             "that sent you and start again.",
                       options);
}

HttpServerResponse Cancel(IntakeService& intake, const HttpServerRequest& req,
                          const IntakeRouteOptions& options) {
  auto session = SessionFor(intake, req);
  if (!session) return SessionErrorResponse(req, session.error(), options);
  auto back = intake.Finish(session->id, SessionStatus::kCancelled);
  if (!back) {
    return ErrorResponse(req, 409, back.error().code, back.error().message,
                         "This verification has already ended.", options);
  }
  return ReturnResponse(*back);
}

}  // namespace

bool WantsJson(const HttpServerRequest& req) {
  const auto accept = req.Header("accept");
  return accept && accept->find("application/json") != std::string_view::npos;
}

HttpServerResponse ReturnResponse(const Return& back) {
  if (!back.location.empty()) return HttpServerResponse::Redirect(back.location);
  const std::string html =
      common::RenderAutoPostForm(back.form_action, {{"token", back.form_token}});
  auto resp = HttpServerResponse::Html(200, html);
  common::PageOptions csp;
  csp.script = "document.getElementById('f').submit();";
  resp.SetHeader("Content-Security-Policy", common::PageCsp(csp));
  return resp;
}

void RegisterIntakeRoutes(common::HttpServer& server, IntakeService& intake, keys::KeyStore& keys,
                          IntakeRouteOptions options) {
  auto jumpstart = [&server, &intake, options](HttpServerRequest r,
                                               const common::HttpResponder& respond) {
    Jumpstart(server, intake, std::move(r), respond, options);
  };
  server.RouteAsync("GET", "/:org/", jumpstart);
  server.RouteAsync("POST", "/:org/", jumpstart);
  auto auth0 = [&intake, options](HttpServerRequest r, const common::HttpResponder& respond) {
    Auth0(intake, std::move(r), respond, options);
  };
  server.RouteAsync("GET", "/id-verification", auth0);
  server.RouteAsync("GET", "/id-verfication", auth0);  // the Auth0 guide's spelling
  server.Route("POST", "/proofing/:session/cancel", [&intake, options](const HttpServerRequest& r) {
    return Cancel(intake, r, options);
  });
  server.Route("GET", "/.well-known/jwks.json", [&keys](const HttpServerRequest&) {
    auto jwks = keys.PublicJwks(IntakeService::kResultKeyPurpose);
    if (!jwks) return HttpServerResponse::JsonError(500, "internal_error", "keys unavailable");
    auto resp = HttpServerResponse::Json(200, *jwks);
    resp.SetHeader("Cache-Control", "public, max-age=300");
    return resp;
  });
}

}  // namespace vc::issuer
