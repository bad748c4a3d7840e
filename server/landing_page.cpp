#include "server/landing_page.h"

#include <memory>

#include "common/base/clock.h"
#include "common/http/html.h"
#include "common/http/url.h"
#include "issuer/jumpstart_mint.h"

namespace vc::server {
using common::HtmlEscape;
using common::HttpServerRequest;
using common::HttpServerResponse;

namespace {

constexpr const char* kDocs[][2] = {
    {"README.md", "quick start, architecture, command-line tools"},
    {"docs/configuration.md", "configuration reference and metrics"},
    {"docs/proofing.md", "the identity check and the sandbox's test inputs"},
    {"docs/issuance.md", "issuing the credential"},
    {"docs/verifier.md", "presentation requests and the verifier demo"},
    {"docs/request-service.md", "the embedded Request Service"},
    {"docs/http.md", "what the HTTP layer guarantees"},
};

HttpServerResponse Page(int status, const common::PageOptions& page) {
  auto resp = HttpServerResponse::Html(status, common::RenderPage(page));
  resp.SetHeader("Content-Security-Policy", common::PageCsp(page));
  resp.SetHeader("Cache-Control", "no-store");
  return resp;
}

std::string DemoSection(const LandingOptions& o) {
  std::string html =
      "<h2>Try it</h2><p>Play a user whom an organisation sent to prove who they are: a "
      "one-time jumpstart link opens the sandbox identity check (no real check is made), then "
      "the credential is offered to a wallet.</p><div class=\"actions\">";
  for (const auto& org : o.demo_orgs) {
    html +=
        "<form method=\"post\" action=\"/demo/start\"><input type=\"hidden\" name=\"org\" "
        "value=\"" +
        HtmlEscape(org.id) + "\"><button type=\"submit\" id=\"start-" + HtmlEscape(org.id) +
        "\">Start the demo as " + HtmlEscape(org.name.empty() ? org.id : org.name) +
        "</button></form>";
  }
  html +=
      "</div><p class=\"muted\">The wallet step: copy the link the credential page shows "
      "into</p>" +
      common::CopyableText("wallet-command",
                           "build/bin/vcwallet --wallet " + o.data_dir +
                               "/demo-wallet.json accept 'openid-vc://?request_uri=…'",
                           "vcwallet command");
  return html;
}

std::string DevelopmentBody(const LandingOptions& o) {
  std::string html =
      "<h1>vcservice</h1><p>An identity-verification partner and Verified ID issuer and "
      "verifier: organisations send their users here to prove who they are, receive a signed "
      "result, and can offer them a verifiable credential for their wallet.</p>";
  if (!o.demo_orgs.empty()) html += DemoSection(o);
  if (o.verifier_demo) {
    html +=
        "<h2>Verify a credential</h2><p><a href=\"/verifier\" id=\"verifier-link\">Verifier "
        "demo</a>: ask a wallet to present the credential, as a relying party would.</p>";
  }
  html +=
      "<h2>For operators</h2><ul>"
      "<li><a href=\"/healthz\">/healthz</a>: health</li>"
      "<li><a href=\"/metrics\">/metrics</a>: Prometheus metrics</li>"
      "<li><a href=\"/.well-known/jwks.json\">/.well-known/jwks.json</a>: the keys that sign "
      "results for organisations</li></ul><h2>Documentation</h2><p class=\"muted\">In the source "
      "tree:</p><ul>";
  for (const auto& [file, what] : kDocs) {
    html += "<li><code>" + std::string(file) + "</code>: " + what + "</li>";
  }
  return html + "</ul>";
}

HttpServerResponse Landing(const LandingOptions& o) {
  common::PageOptions page;
  page.title = "vcservice";
  if (o.development) {
    page.banner = "DEVELOPMENT";
    page.body_html = DevelopmentBody(o);
    page.script = common::CopyScript();
  } else {
    page.body_html =
        "<h1>Identity verification</h1><p>This service verifies identities and issues "
        "verifiable credentials for the organisations that use it.</p><p>To start, follow the "
        "link the organisation gave you.</p>";
  }
  return Page(200, page);
}

HttpServerResponse StartDemo(keys::KeyStore& keys, const LandingOptions& o,
                             const HttpServerRequest& req) {
  auto form = common::ParseForm(req.body);
  const std::string org(form ? form->Get("org").value_or("") : "");
  for (const auto& demo : o.demo_orgs) {
    if (demo.id != org) continue;
    auto key = keys.Active("rp-" + demo.id);
    if (!key) break;
    common::SystemClock clock;
    auto link = issuer::MintJumpstartLink(key->key, {demo.id, "", demo.redirect_url, 600, ""},
                                          clock.NowSeconds());
    if (!link) break;
    return HttpServerResponse::Redirect(*link);
  }
  return Page(400, {"No such demo",
                    "<h1>No such demo</h1><p>Go back to <a href=\"/\">the start "
                    "page</a> and choose a demo organisation.</p>",
                    "DEVELOPMENT", "", false});
}

// The canonical path with the same query.
std::string WithQuery(const std::string& path, const HttpServerRequest& req) {
  return req.query.size() == 0 ? path : common::BuildUrl(path, req.query.list());
}

}  // namespace

void RegisterLandingPage(common::HttpServer& server, keys::KeyStore& keys,
                         const issuer::OrgRegistry* orgs, LandingOptions options) {
  auto o = std::make_shared<const LandingOptions>(std::move(options));
  server.Route("GET", "/", [o](const HttpServerRequest&) { return Landing(*o); });
  if (o->development && !o->demo_orgs.empty()) {
    server.Route("POST", "/demo/start",
                 [&keys, o](const HttpServerRequest& req) { return StartDemo(keys, *o, req); });
  }
  if (o->verifier_demo) {
    server.Route("GET", "/verifier/", [](const HttpServerRequest& req) {
      return HttpServerResponse::Redirect(WithQuery("/verifier", req), 308);
    });
  }
  if (orgs == nullptr) return;
  // GET only: a POST route here would turn every other one-segment path's 405
  // (e.g. POST /metrics) into this route's 404.
  server.Route("GET", "/:org", [orgs](const HttpServerRequest& req) {
    const std::string org(req.PathParam("org"));
    if (!orgs->Find(org))
      return HttpServerResponse::JsonError(404, "not_found", "No such resource.");
    return HttpServerResponse::Redirect(WithQuery("/" + common::PercentEncode(org) + "/", req),
                                        308);
  });
}

}  // namespace vc::server
