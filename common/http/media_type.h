// Content-Type checks for handlers that answer a wrong type (415) in their own
// error shape (OAuth, the Entra envelope, HTML pages), where
// RequireJsonContentType's {"error","message"} body would not fit.
#pragma once

#include <string_view>

#include "common/http/http_message.h"

namespace vc::common {

inline constexpr std::string_view kJsonMediaType = "application/json";
inline constexpr std::string_view kFormMediaType = "application/x-www-form-urlencoded";

// True when the request's Content-Type names `type` (case-insensitively;
// parameters such as charset=utf-8 are ignored).
bool HasMediaType(const HttpServerRequest& request, std::string_view type);

}  // namespace vc::common
