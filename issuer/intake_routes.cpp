#include "issuer/intake_routes.h"

#include "common/base/log.h"
#include "common/http/html.h"
#include "common/http/media_type.h"

namespace vc::issuer {
using common::HttpServerRequest;
using common::HttpServerResponse;

namespace {

HttpServerResponse Page(int status, const common::PageOptions& page) {
  auto resp = HttpServerResponse::Html(status, common::RenderPage(page));
  resp.SetHeader("Content-Security-Policy", common::PageCsp(page));
  return resp;
}

HttpServerResponse ErrorResponse(const HttpServerRequest& req, int status, std::string_view code,
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

HttpServerResponse Jumpstart(IntakeService& intake, const HttpServerRequest& req,
                             const IntakeRouteOptions& options) {
  std::string token(req.query.Get("token").value_or(""));
  if (req.method == "POST") {
    if (!common::HasMediaType(req, common::kFormMediaType)) {
      return ErrorResponse(req, 415, "unsupported_media_type",
                           "Content-Type must be application/x-www-form-urlencoded",
                           UserMessage(JumpstartError::kMalformedToken), options);
    }
    auto form = common::ParseForm(req.body);
    if (!form) {
      return ErrorResponse(req, 400, "malformed_token", form.error().message,
                           UserMessage(JumpstartError::kMalformedToken), options);
    }
    token = std::string(form->Get("token").value_or(""));
  }
  auto started = intake.StartJumpstart(req.PathParam("org"), token, req.mscv);
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

HttpServerResponse Auth0(IntakeService& intake, const HttpServerRequest& req,
                         const IntakeRouteOptions& options) {
  auto started = intake.StartAuth0(req.query.Get("token").value_or(""),
                                   req.query.Get("state").value_or(""), req.mscv);
  if (!started) {
    const auto e = started.error().reason;
    common::LogInfo("auth0_refused",
                    {{"code", Code(e)}, {"reason", started.error().message}, {"mscv", req.mscv}});
    return ErrorResponse(req, HttpStatus(e), Code(e), started.error().message, UserMessage(e),
                         options);
  }
  return StartedResponse(intake, *started);
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
  auto jumpstart = [&intake, options](const HttpServerRequest& r) {
    return Jumpstart(intake, r, options);
  };
  server.Route("GET", "/:org/", jumpstart);
  server.Route("POST", "/:org/", jumpstart);
  auto auth0 = [&intake, options](const HttpServerRequest& r) { return Auth0(intake, r, options); };
  server.Route("GET", "/id-verification", auth0);
  server.Route("GET", "/id-verfication", auth0);  // the Auth0 guide's spelling
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
