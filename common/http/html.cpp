#include "common/http/html.h"

#include "common/base/base64url.h"
#include "common/base/crypto.h"

namespace vc::common {
namespace {

constexpr std::string_view kStyle = R"css(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f5f7;color:#1d2430}
main{max-width:34rem;margin:3rem auto;background:#fff;border-radius:12px;padding:2rem;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;margin-top:0}
.banner{background:#b54708;color:#fff;text-align:center;padding:.4rem;font-weight:600;letter-spacing:.05em}
.muted{color:#5b6472;font-size:.9rem}
button,.button{display:inline-block;background:#0b5cad;color:#fff;border:0;border-radius:8px;padding:.7rem 1.2rem;font-size:1rem;text-decoration:none;cursor:pointer}
label{display:block;margin:.8rem 0 .2rem;font-weight:600}
input,select{width:100%;box-sizing:border-box;padding:.55rem;font-size:1rem;border:1px solid #c3c9d2;border-radius:6px}
.error{color:#b42318}
.qr{max-width:16rem;margin:1rem auto;transition:opacity .3s}
.qr svg{width:100%;height:auto;display:block}
.dim{opacity:.1}
.pin{font-size:1.6rem;letter-spacing:.3em;font-weight:700}
)css";

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string PageCsp(const PageOptions& options) {
  std::string csp =
      "default-src 'none'; img-src 'self' data:; connect-src 'self'; "
      "form-action 'self' https:; base-uri 'none'; frame-ancestors 'none'; "
      "style-src 'sha256-" +
      Base64Encode(Sha256(kStyle)) + "'";
  if (!options.script.empty()) {
    csp += "; script-src 'sha256-" + Base64Encode(Sha256(options.script)) + "'";
  }
  return csp;
}

std::string RenderPage(const PageOptions& o) {
  std::string html =
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
      "<title>" +
      HtmlEscape(o.title) + "</title><style>";
  html += kStyle;
  html += "</style></head><body>";
  if (!o.banner.empty()) html += "<div class=\"banner\">" + HtmlEscape(o.banner) + "</div>";
  html += "<main>" + o.body_html + "</main>";
  if (!o.script.empty()) html += "<script>" + o.script + "</script>";
  html += "</body></html>\n";
  return html;
}

std::string RenderErrorPage(std::string_view heading, std::string_view message,
                            std::string_view banner) {
  PageOptions o;
  o.title = std::string(heading);
  o.banner = std::string(banner);
  o.body_html = "<h1>" + HtmlEscape(heading) + "</h1><p>" + HtmlEscape(message) + "</p>";
  return RenderPage(o);
}

std::string RenderAutoPostForm(std::string_view action,
                               const std::vector<std::pair<std::string, std::string>>& fields) {
  PageOptions o;
  o.title = "Returning…";
  o.body_html = "<h1>Returning you to sign-in…</h1><form id=\"f\" method=\"post\" action=\"" +
                HtmlEscape(action) + "\">";
  for (const auto& [name, value] : fields) {
    o.body_html += "<input type=\"hidden\" name=\"" + HtmlEscape(name) + "\" value=\"" +
                   HtmlEscape(value) + "\">";
  }
  o.body_html += "<button type=\"submit\">Continue</button></form>";
  o.script = "document.getElementById('f').submit();";
  return RenderPage(o);
}

}  // namespace vc::common
