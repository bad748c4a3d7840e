// What every browser-facing route of a session shares: the page response with
// its Content-Security-Policy, the error page (or JSON error), the session the
// cookie authenticates, and a one-button POST form.
#pragma once

#include <functional>
#include <string>
#include <variant>

#include "common/base/task.h"
#include "common/http/html.h"
#include "common/http/http_message.h"
#include "issuer/intake.h"

namespace vc::issuer {

// An HTML page with its CSP header.
common::HttpServerResponse PageResponse(int status, const common::PageOptions& page);

// JSON {"error","message"} when the client asked for JSON, else a page that says
// what went wrong and what to do now, with the code and MS-CV as a reference.
// `heading` defaults to "We could not continue".
common::HttpServerResponse ErrorResponse(const common::HttpServerRequest& req, int status,
                                         const std::string& code, const std::string& message,
                                         const std::string& banner,
                                         const std::string& heading = "");

// The banner of a session's pages (e.g. SANDBOX when its provider is a sandbox).
using SessionBanner = std::function<std::string(const Session&)>;

// The active session named by the ":session" path parameter whose cookie this
// browser holds; otherwise the response to send (404 unknown, 403 another
// browser, 410 expired, 409 ended), a page that says what the person can do
// now, under the session's banner when the session exists.
std::variant<Session, common::HttpServerResponse> ActiveSession(
    IntakeService& intake, const common::HttpServerRequest& req, const SessionBanner& banner);
// ActiveSession() for a coroutine: the session read on a reader thread; only
// the banner of a session refused to this browser is read on `blocking`.
// `req` and `banner` belong to the awaiting frame, which outlives this one.
common::Task<std::variant<Session, common::HttpServerResponse>> ActiveSessionTask(
    IntakeService& intake, const common::HttpServerRequest& req, const SessionBanner& banner,
    common::Executor blocking);

// What a person can do about an ended session: one that succeeded says so (a
// second tab after the flow finished), the others say how to start again.
std::string EndedSessionMessage(SessionStatus status);

// <form method=post action=…><button id=… class=…>label</button></form>, escaped.
std::string PostButton(const std::string& action, const std::string& label,
                       const std::string& id = "", const std::string& css_class = "");

}  // namespace vc::issuer
