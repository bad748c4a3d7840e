// Internal to the HTTP server: the bytes of a response head, and the parts of a
// request head that need more than splitting (cookies). Pure functions, tested
// without a socket.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/http/http_message.h"

namespace vc::common::internal {

// How the connection ends after a response (RFC 9112 §9.3).
struct Framing {
  bool close = false;                // "Connection: close", then the server half-closes
  bool announce_keep_alive = false;  // "Connection: keep-alive" (HTTP/1.0 clients asked)
  bool head_only = false;            // a HEAD request: Content-Length, but no body
};

// The standard reason phrase of `status` ("OK", "See Other", ...); "Status" for a
// code without one.
std::string_view ReasonPhrase(int status);

// The whole response as it goes on the wire: status line, Date, the handler's
// headers (framing headers and any name or value with CR, LF or NUL dropped, each
// drop logged as http_header_dropped), Content-Type, Content-Length, Connection,
// the standard security headers (nosniff, no-referrer, Cache-Control: no-store
// unless the handler set one), ms-cv, then the body.
std::string SerializeResponse(const HttpServerResponse& response, const Framing& framing,
                              std::string_view mscv);

// Appends the cookies of one Cookie header value ("a=1; b=\"2\"") to `out`, in order;
// pairs without '=' are skipped and surrounding quotes are removed from values.
void ParseCookieHeader(std::string_view value,
                       std::vector<std::pair<std::string, std::string>>& out);

// True when a comma-separated header value (Connection, Expect) has `token`,
// compared case-insensitively with surrounding whitespace ignored.
bool HasToken(std::string_view value, std::string_view token);

}  // namespace vc::common::internal
