// What every browser-facing route of a session shares: the page response with
// its Content-Security-Policy, the error page (or JSON error), the session the
// cookie authenticates, and a one-button POST form.
#pragma once

#include <string>
#include <variant>

#include "common/http/html.h"
#include "common/http/http_message.h"
#include "issuer/intake.h"

namespace vc::issuer {

// An HTML page with its CSP header.
common::HttpServerResponse PageResponse(int status, const common::PageOptions& page);

// JSON {"error","message"} when the client asked for JSON, else a page that says
// what went wrong, with the code and MS-CV as a reference.
common::HttpServerResponse ErrorResponse(const common::HttpServerRequest& req, int status,
                                         const std::string& code, const std::string& message,
                                         const std::string& banner);

// The active session named by the ":session" path parameter whose cookie this
// browser holds; otherwise the response to send (404 unknown, 403 another
// browser, 410 expired, 409 ended).
std::variant<Session, common::HttpServerResponse> ActiveSession(
    IntakeService& intake, const common::HttpServerRequest& req, const std::string& banner);

// <form method=post action=…><button id=…>label</button></form>, escaped.
std::string PostButton(const std::string& action, const std::string& label,
                       const std::string& id = "");

}  // namespace vc::issuer
