#include "issuer/session_web.h"

#include "issuer/intake_routes.h"

namespace vc::issuer {
using common::HtmlEscape;
using common::HttpServerRequest;
using common::HttpServerResponse;

HttpServerResponse PageResponse(int status, const common::PageOptions& page) {
  auto resp = HttpServerResponse::Html(status, common::RenderPage(page));
  resp.SetHeader("Content-Security-Policy", common::PageCsp(page));
  return resp;
}

HttpServerResponse ErrorResponse(const HttpServerRequest& req, int status, const std::string& code,
                                 const std::string& message, const std::string& banner) {
  if (WantsJson(req)) return HttpServerResponse::JsonError(status, code, message);
  common::PageOptions page;
  page.title = "We could not continue";
  page.banner = banner;
  page.body_html = "<h1>We could not continue</h1><p>" + HtmlEscape(message) +
                   "</p><p class=\"muted\">Reference: " + HtmlEscape(code) + " · " +
                   HtmlEscape(req.mscv) + "</p>";
  return PageResponse(status, page);
}

std::variant<Session, HttpServerResponse> ActiveSession(IntakeService& intake,
                                                        const HttpServerRequest& req,
                                                        const std::string& banner) {
  const std::string id(req.PathParam("session"));
  auto s = intake.sessions().Authenticate(id, req.Cookie(IntakeService::CookieName(id)));
  if (!s) {
    const SessionError why = s.error().reason;
    return ErrorResponse(req, HttpStatus(why), std::string(Code(why)),
                         why == SessionError::kForbidden
                             ? "This verification was started in another browser."
                             : "This verification session does not exist or has expired.",
                         banner);
  }
  if (s->status != SessionStatus::kActive) {
    return ErrorResponse(req, 409, "session_ended", "This verification has already ended.", banner);
  }
  return *s;
}

std::string PostButton(const std::string& action, const std::string& label, const std::string& id) {
  return "<form method=\"post\" action=\"" + HtmlEscape(action) + "\"><button type=\"submit\"" +
         (id.empty() ? "" : " id=\"" + HtmlEscape(id) + "\"") + ">" + HtmlEscape(label) +
         "</button></form>";
}

}  // namespace vc::issuer
