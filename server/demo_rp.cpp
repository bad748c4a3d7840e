#include "server/demo_rp.h"

#include "common/base/json.h"
#include "common/http/html.h"
#include "common/jose/jws.h"
#include "common/jose/jwt.h"
#include "issuer/intake.h"

namespace vc::server {
using common::HttpServerRequest;
using common::HttpServerResponse;

namespace {

// Verifies the result token with the published keys; returns a line of HTML.
std::string CheckResult(keys::KeyStore& keys, std::string_view token, std::string_view request_id,
                        std::string_view status) {
  auto jwks_json = keys.PublicJwks(issuer::IntakeService::kResultKeyPurpose);
  auto jwks = jwks_json ? common::Jwks::FromJsonText(*jwks_json)
                        : common::Result<common::Jwks>(jwks_json.error());
  auto parsed = common::ParseCompact(token);
  if (!jwks || !parsed) return "<p class=\"error\">The result is not a readable token.</p>";
  const common::Jwk* key = jwks->FindByKid(parsed->kid);
  if (!key || !common::VerifySignature(*parsed, *key, {common::JwsAlg::kES256})) {
    return "<p class=\"error\">The result's signature does not verify.</p>";
  }
  auto claims = common::ParseJsonObject(parsed->payload);
  if (!claims || common::GetString(*claims, "RequestId") != request_id ||
      common::GetString(*claims, "status") != status) {
    return "<p class=\"error\">The signed result does not match the query parameters.</p>";
  }
  return "<p>The signed result verifies against <code>/.well-known/jwks.json</code> and "
         "matches.</p>";
}

}  // namespace

void RegisterDemoRp(common::HttpServer& server, keys::KeyStore& keys) {
  server.Route("GET", "/demo/rp/done", [&keys](const HttpServerRequest& req) {
    const auto request_id = req.query.Get("RequestId").value_or("");
    const auto status = req.query.Get("status").value_or("");
    common::PageOptions page;
    page.title = "Demo relying party";
    page.banner = "DEMO RELYING PARTY";
    page.body_html = "<h1>Back at the relying party</h1><p>Request <code>" +
                     common::HtmlEscape(request_id) + "</code> ended with status <strong>" +
                     common::HtmlEscape(status) + "</strong>.</p>" +
                     CheckResult(keys, req.query.Get("result").value_or(""), request_id, status);
    auto resp = HttpServerResponse::Html(200, common::RenderPage(page));
    resp.SetHeader("Content-Security-Policy", common::PageCsp(page));
    return resp;
  });
}

}  // namespace vc::server
