#include "server/rate_limits.h"

#include <string>

#include "common/base/json.h"
#include "common/http/html.h"
#include "common/http/rate_limit.h"
#include "common/jose/jws.h"
#include "request_service/api_error.h"
#include "request_service/auth.h"
#include "request_service/token_routes.h"

namespace vc::server {
namespace {

using common::HttpServerRequest;
using common::HttpServerResponse;
using Reject = std::function<HttpServerResponse(const HttpServerRequest&, int64_t)>;
using OrgKey = std::function<std::string(const HttpServerRequest&)>;

std::string Message(int64_t retry_after) {
  return "Too many requests; try again in " + std::to_string(retry_after) + " s.";
}

// A claim of a JWT whose signature is NOT checked: only for choosing an
// intake org's bucket (an org's own budget; the token is verified later).
std::string UnverifiedClaim(std::string_view token, const char* claim) {
  auto jws = common::ParseCompact(token);
  if (!jws) return "";
  auto payload = common::ParseJsonObject(jws->payload);
  if (!payload) return "";
  return std::string(common::GetString(*payload, claim).value_or(""));
}

// Browsers get a page; a client asking for JSON gets the plain JSON error.
HttpServerResponse IntakePage(const HttpServerRequest& r, int64_t retry_after) {
  if (r.Header("accept").value_or("").find("application/json") != std::string_view::npos) {
    return common::RateLimitedJson(retry_after);
  }
  return HttpServerResponse::Html(
      429,
      common::RenderErrorPage("Too many attempts", "Please wait " + std::to_string(retry_after) +
                                                       " seconds, then open your link again."));
}

Reject OAuthError(const common::Clock& clock) {
  return [&clock](const HttpServerRequest&, int64_t retry_after) {
    return HttpServerResponse::Json(
        429, request_service::TokenErrorJson({429, "rate_limited", 90055, Message(retry_after)},
                                             request_service::NewUuid(), clock.NowSeconds()));
  };
}

Reject EntraEnvelope(const common::Clock& clock) {
  return [&clock](const HttpServerRequest& r, int64_t retry_after) {
    return request_service::EnvelopeResponse({429, "rateLimited", Message(retry_after), ""}, r.mscv,
                                             clock.NowSeconds());
  };
}

}  // namespace

RateLimits::RateLimits(const common::RateLimitsConfig& config, const common::Clock& clock,
                       Tokens tokens)
    : clock_(clock), tokens_(std::move(tokens)) {
  const auto keys = static_cast<size_t>(config.max_tracked_keys);
  intake_ = MakeGroup(config.intake, keys);
  token_ = MakeGroup(config.token, keys);
  create_ = MakeGroup(config.create, keys);
}

RateLimits::Group RateLimits::MakeGroup(const common::RateLimitPair& pair, size_t max_keys) const {
  Group g;
  if (pair.per_ip.enabled())
    g.per_ip = std::make_unique<common::RateLimiter>(pair.per_ip, clock_, max_keys);
  if (pair.per_org.enabled())
    g.per_org = std::make_unique<common::RateLimiter>(pair.per_org, clock_, max_keys);
  return g;
}

void RateLimits::Apply(common::HttpServer& server) {
  const OrgKey path_org = [](const HttpServerRequest& r) {
    return std::string(r.PathParam("org"));
  };
  const OrgKey auth0_iss = [](const HttpServerRequest& r) {
    return UnverifiedClaim(r.query.Get("token").value_or(""), "iss");
  };
  // Client buckets: only for credentials that verify (else per IP only).
  const OrgKey bearer_client = [tokens = tokens_](const HttpServerRequest& r) {
    const request_service::TokenService* t = tokens ? tokens() : nullptr;
    return t ? t->VerifiedClient(r.Header("authorization")).value_or("") : "";
  };
  const OrgKey form_client = [tokens = tokens_](const HttpServerRequest& r) -> std::string {
    const request_service::TokenService* t = tokens ? tokens() : nullptr;
    if (!t) return "";
    auto form = common::ParseForm(r.body);
    return form ? t->AuthenticatedClient(*form).value_or("") : "";
  };
  struct Entry {
    const char* method;
    const char* pattern;
    const Group& group;
    OrgKey org;
    Reject reject;
  };
  const Entry table[] = {
      {"GET", "/:org/", intake_, path_org, IntakePage},
      {"POST", "/:org/", intake_, path_org, IntakePage},
      {"GET", "/id-verification", intake_, auth0_iss, IntakePage},
      {"GET", "/id-verfication", intake_, auth0_iss, IntakePage},
      {"POST", "/oauth2/v2.0/token", token_, form_client, OAuthError(clock_)},
      {"POST", "/:tenant/oauth2/v2.0/token", token_, form_client, OAuthError(clock_)},
      {"POST", "/v1.0/verifiableCredentials/createIssuanceRequest", create_, bearer_client,
       EntraEnvelope(clock_)},
      {"POST", "/v1.0/verifiableCredentials/createPresentationRequest", create_, bearer_client,
       EntraEnvelope(clock_)},
      {"POST", "/beta/verifiableCredentials/createIssuanceRequest", create_, bearer_client,
       EntraEnvelope(clock_)},
      {"POST", "/beta/verifiableCredentials/createPresentationRequest", create_, bearer_client,
       EntraEnvelope(clock_)},
  };
  for (const Entry& e : table) {
    if (!e.group.per_ip && !e.group.per_org) continue;
    common::RateLimitRoute route{e.group.per_ip.get(), e.group.per_org.get(), e.org, e.reject};
    server.WrapRoute(e.method, e.pattern, [&route](common::AsyncHttpHandler inner) {
      return common::RateLimited(std::move(inner), route);
    });
  }
}

}  // namespace vc::server
