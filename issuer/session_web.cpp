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
                                 const std::string& message, const std::string& banner,
                                 const std::string& heading) {
  if (WantsJson(req)) return HttpServerResponse::JsonError(status, code, message);
  common::PageOptions page;
  page.title = heading.empty() ? "We could not continue" : heading;
  page.banner = banner;
  page.body_html = "<h1>" + HtmlEscape(page.title) + "</h1><p>" + HtmlEscape(message) +
                   "</p><p class=\"muted\">Reference: " + HtmlEscape(code) + " · " +
                   HtmlEscape(req.mscv) + "</p>";
  return PageResponse(status, page);
}

std::string EndedSessionMessage(SessionStatus status) {
  switch (status) {
    case SessionStatus::kIssued:
      return "This verification is complete: your identity was verified and the credential is "
             "in your wallet. You can close this tab.";
    case SessionStatus::kVerified:
      return "This verification is complete: your identity was verified. You can close this "
             "tab.";
    case SessionStatus::kCancelled:
      return "This verification was cancelled. To start again, go back to the site that sent "
             "you and ask for a new link.";
    default:
      return "This verification has ended without a verified identity. To try again, go back "
             "to the site that sent you and ask for a new link.";
  }
}

namespace {

// The page for a session the cookie did not open; `banner` is the session's
// when it exists.
HttpServerResponse Refused(const HttpServerRequest& req, SessionError why,
                           const std::string& banner) {
  std::string message =
      why == SessionError::kForbidden
          ? "This verification was started in another browser. Open the link in the browser "
            "where you started, or go back to the site that sent you for a new link."
      : why == SessionError::kExpired
          ? "This verification session has expired. Go back to the site that sent you and "
            "ask for a new link."
          : "This verification session does not exist. Check the link, or go back to the "
            "site that sent you and ask for a new one.";
  return ErrorResponse(req, HttpStatus(why), std::string(Code(why)), message, banner);
}

// The session when it is active, else the page saying it has ended.
std::variant<Session, HttpServerResponse> Active(const HttpServerRequest& req, const Session& s,
                                                 const SessionBanner& banner) {
  if (s.status != SessionStatus::kActive) {
    const bool succeeded =
        s.status == SessionStatus::kIssued || s.status == SessionStatus::kVerified;
    return ErrorResponse(req, 409, "session_ended", EndedSessionMessage(s.status), banner(s),
                         succeeded ? "Already done" : "");
  }
  return s;
}

// The banner of session `id`, "" when it cannot be read.
std::string BannerOf(IntakeService& intake, const std::string& id, const SessionBanner& banner) {
  auto known = intake.sessions().Get(id);
  return known ? banner(*known) : "";
}

}  // namespace

std::variant<Session, HttpServerResponse> ActiveSession(IntakeService& intake,
                                                        const HttpServerRequest& req,
                                                        const SessionBanner& banner) {
  const std::string id(req.PathParam("session"));
  auto s = intake.sessions().Authenticate(id, req.Cookie(IntakeService::CookieName(id)));
  if (!s) {
    const SessionError why = s.error().reason;
    // The session exists (another browser, or expired): its pages' banner still applies.
    return Refused(req, why, why == SessionError::kNotFound ? "" : BannerOf(intake, id, banner));
  }
  return Active(req, *s, banner);
}

common::Task<std::variant<Session, HttpServerResponse>> ActiveSessionTask(
    IntakeService& intake, const HttpServerRequest& req, const SessionBanner& banner,
    common::Executor blocking) {
  const std::string id(req.PathParam("session"));
  const std::string cookie(req.Cookie(IntakeService::CookieName(id)));
  auto s = co_await intake.sessions().AuthenticateTask(id, cookie);
  if (!s) {
    const SessionError why = s.error().reason;
    std::string shown;
    if (why != SessionError::kNotFound) {
      shown = co_await common::RunOn<std::string>(
          std::move(blocking), [&intake, &id, &banner] { return BannerOf(intake, id, banner); });
    }
    co_return Refused(req, why, shown);
  }
  co_return Active(req, *s, banner);
}

std::string PostButton(const std::string& action, const std::string& label, const std::string& id,
                       const std::string& css_class) {
  return "<form method=\"post\" action=\"" + HtmlEscape(action) + "\"><button type=\"submit\"" +
         (id.empty() ? "" : " id=\"" + HtmlEscape(id) + "\"") +
         (css_class.empty() ? "" : " class=\"" + HtmlEscape(css_class) + "\"") + ">" +
         HtmlEscape(label) + "</button></form>";
}

}  // namespace vc::issuer
