#include "common/http/html.h"

#include "common/base/base64url.h"
#include "common/base/crypto.h"

namespace vc::common {
namespace {

// Contrast: text, borders of inputs and focus rings are at least 3:1 against
// their background (WCAG 1.4.11); long identifiers (DIDs, deep links) wrap
// anywhere so no page scrolls sideways at 390 px.
constexpr std::string_view kStyle = R"css(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f5f7;color:#1d2430;line-height:1.45}
main{max-width:34rem;margin:3rem auto;background:#fff;border-radius:12px;padding:2rem;box-shadow:0 1px 4px #0002}
main.wide{max-width:48rem}
@media (max-width:38rem){main{margin:1rem;padding:1.25rem}}
h1{font-size:1.4rem;margin-top:0}
h2{font-size:1.1rem}
a{color:#0b5cad}
a,code,td,dd{overflow-wrap:anywhere}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;background:#eef0f3;padding:.1rem .25rem;border-radius:4px}
.banner{background:#b54708;color:#fff;text-align:center;padding:.4rem;font-weight:600;letter-spacing:.05em}
.muted{color:#5b6472;font-size:.9rem}
button,.button{display:inline-block;background:#0b5cad;color:#fff;border:2px solid #0b5cad;border-radius:8px;padding:.6rem 1.1rem;font-size:1rem;text-decoration:none;cursor:pointer}
button.secondary,.button.secondary{background:#fff;color:#0b5cad}
button.small{padding:.25rem .6rem;font-size:.85rem}
:focus-visible{outline:3px solid #0b5cad;outline-offset:2px}
label{display:block;margin:.8rem 0 .2rem;font-weight:600}
input,select{width:100%;box-sizing:border-box;padding:.55rem;font-size:1rem;border:1px solid #6b7280;border-radius:6px;background:#fff;color:#1d2430}
input:focus-visible,select:focus-visible{border-color:#0b5cad}
[aria-invalid=true]{border:2px solid #b42318}
.error{color:#b42318}
.actions form{display:inline-block;margin:.3rem .5rem .3rem 0}
.copy{display:flex;gap:.5rem;align-items:flex-start}
.copy code{flex:1;min-width:0;padding:.4rem}
table{width:100%;border-collapse:collapse;margin:.5rem 0}
th,td{text-align:left;vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid #d5d9e0}
th{width:35%;font-weight:600}
.qr{max-width:16rem;margin:1rem auto;transition:opacity .3s}
.qr svg{width:100%;height:auto;display:block}
.dim{opacity:.1}
.pin{font-size:1.6rem;letter-spacing:.3em;font-weight:700}
)css";

// Shows the [data-copy] buttons (hidden without scripts) and copies the text of
// the element they name; where the clipboard is refused, selects it instead.
constexpr std::string_view kCopyScript = R"js(
document.querySelectorAll('[data-copy]').forEach(function(b){
 b.hidden=false;
 b.addEventListener('click',function(){
  var el=document.getElementById(b.getAttribute('data-copy'));
  var done=function(){b.textContent='Copied';setTimeout(function(){b.textContent='Copy';},2000);};
  var select=function(){var r=document.createRange();r.selectNodeContents(el);var s=window.getSelection();s.removeAllRanges();s.addRange(r);};
  if(navigator.clipboard){navigator.clipboard.writeText(el.textContent).then(done,select);}else{select();}
 });
});
)js";

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
  html += (o.wide ? "<main class=\"wide\">" : "<main>") + o.body_html + "</main>";
  if (!o.script.empty()) html += "<script>" + o.script + "</script>";
  html += "</body></html>\n";
  return html;
}

const std::string& CopyScript() {
  static const std::string script(kCopyScript);
  return script;
}

std::string CopyableText(std::string_view id, std::string_view text, std::string_view label) {
  const std::string safe_id = HtmlEscape(id);
  return "<div class=\"copy\"><code id=\"" + safe_id + "\" aria-label=\"" + HtmlEscape(label) +
         "\">" + HtmlEscape(text) +
         "</code><button type=\"button\" class=\"secondary small\" data-copy=\"" + safe_id +
         "\" hidden>Copy</button></div>";
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
