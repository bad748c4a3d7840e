#include "request_service/token_routes.h"

#include <cctype>
#include <ctime>
#include <optional>

#include "common/base/json.h"
#include "common/http/media_type.h"

namespace vc::request_service {
using common::HttpServerRequest;
using common::HttpServerResponse;

namespace {

// Entra's "2024-05-01 12:34:56Z".
std::string Timestamp(int64_t now) {
  const std::time_t t = static_cast<std::time_t>(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%SZ", &tm);
  return buf;
}

bool IsGuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// MSAL sends its correlation id as client-request-id; Entra echoes it.
std::string CorrelationId(const HttpServerRequest& req) {
  const auto id = req.Header("client-request-id");
  return id && IsGuid(*id) ? std::string(*id) : NewUuid();
}

HttpServerResponse Refuse(const TokenError& e, const HttpServerRequest& req,
                          const common::Clock& clock) {
  return HttpServerResponse::Json(e.status,
                                  TokenErrorJson(e, CorrelationId(req), clock.NowSeconds()));
}

// The tenant in the path, or the refusal Entra gives an unknown one.
std::optional<TokenError> WrongTenant(const HttpServerRequest& req, const TokenService& tokens) {
  const std::string tenant(req.PathParam("tenant"));
  if (tenant == tokens.tenant_id()) return std::nullopt;
  // The path's value is not echoed: it may be anything, invalid UTF-8 included.
  return TokenError{400, "invalid_tenant", 90002,
                    "Tenant not found. This server's tenant is '" + tokens.tenant_id() + "'."};
}

HttpServerResponse Token(const RequestServiceSlot& slot, const common::Clock& clock,
                         const HttpServerRequest& req, bool tenant_in_path) {
  const RequestServiceParts* parts = slot.parts();
  if (parts == nullptr) {
    return Refuse({503, "temporarily_unavailable", 90033, "The token service is starting."}, req,
                  clock);
  }
  if (tenant_in_path) {
    if (auto e = WrongTenant(req, parts->tokens)) return Refuse(*e, req, clock);
  }
  if (!common::HasMediaType(req, common::kFormMediaType)) {
    return Refuse({415, "invalid_request", 900144,
                   "The request body must be application/x-www-form-urlencoded."},
                  req, clock);
  }
  auto form = common::ParseForm(req.body);
  if (!form) {
    return Refuse({400, "invalid_request", 900144, "The request body is not a valid form."}, req,
                  clock);
  }
  auto r = parts->tokens.Issue(*form);
  if (auto* e = std::get_if<TokenError>(&r)) return Refuse(*e, req, clock);
  return HttpServerResponse::Json(200, std::get<std::string>(r));
}

// A GET answered from the TokenService once it exists.
template <typename F>
void AddGet(common::HttpServer& s, const RequestServiceSlot& slot, const common::Clock& clock,
            const std::string& pattern, F body) {
  s.RouteAsync(
      "GET", pattern,
      [&slot, &clock, body](const HttpServerRequest& req, const common::HttpResponder& respond) {
        const RequestServiceParts* parts = slot.parts();
        if (parts == nullptr) {
          return respond(
              Refuse({503, "temporarily_unavailable", 90033, "The token service is starting."}, req,
                     clock));
        }
        if (auto e = WrongTenant(req, parts->tokens)) return respond(Refuse(*e, req, clock));
        respond(HttpServerResponse::Json(200, body(parts->tokens)));
      });
}

}  // namespace

std::string TokenErrorJson(const TokenError& e, const std::string& correlation_id, int64_t now) {
  const std::string trace = NewUuid();
  const std::string stamp = Timestamp(now);
  common::JsonWriter w;
  w->StartObject();
  w.Member("error", e.error);
  w.Member("error_description",
           "AADSTS" + std::to_string(e.aadsts) + ": " + e.description + "\r\nTrace ID: " + trace +
               "\r\nCorrelation ID: " + correlation_id + "\r\nTimestamp: " + stamp);
  w->Key("error_codes");
  w->StartArray();
  w->Int(e.aadsts);
  w->EndArray();
  w.Member("timestamp", stamp);
  w.Member("trace_id", trace);
  w.Member("correlation_id", correlation_id);
  w->EndObject();
  return w.str();
}

void RegisterTokenRoutes(common::HttpServer& server, const RequestServiceSlot& slot,
                         const common::Clock& clock) {
  for (const char* pattern : {"/oauth2/v2.0/token", "/:tenant/oauth2/v2.0/token"}) {
    const bool tenant_in_path = pattern[1] == ':';
    server.RouteAsync("POST", pattern,
                      [&slot, &clock, tenant_in_path](const HttpServerRequest& req,
                                                      const common::HttpResponder& respond) {
                        respond(Token(slot, clock, req, tenant_in_path));
                      });
  }
  AddGet(server, slot, clock, "/:tenant/v2.0/.well-known/openid-configuration",
         [](const TokenService& t) { return t.OpenIdConfiguration(); });
  // The access tokens are HMAC-signed and checked only by this server (as
  // Entra's are meant for the resource alone): no public key to publish.
  AddGet(server, slot, clock, "/:tenant/discovery/v2.0/keys",
         [](const TokenService&) { return std::string(R"({"keys":[]})"); });
}

}  // namespace vc::request_service
