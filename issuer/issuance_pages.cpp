#include "issuer/issuance_pages.h"

#include "common/http/qr.h"
#include "issuer/issuance.h"
#include "issuer/session_web.h"

namespace vc::issuer {
using common::HtmlEscape;

namespace {

// One script for every issuance page (its CSP hash is constant): polls the
// status, dims the code once the wallet fetched the request, and moves on.
constexpr const char* kPollScript = R"js((function(){
var box=document.getElementById('issuance');if(!box)return;
var id=box.getAttribute('data-id'),expiry=+box.getAttribute('data-expiry');
var state=document.getElementById('state'),msg=document.getElementById('message'),qr=document.getElementById('qr');
function show(s,m){state.setAttribute('data-state',s);msg.textContent=m;}
function tick(){
 if(Date.now()/1000>expiry+1){location.reload();return;}
 fetch('/api/issuer/request-status?id='+encodeURIComponent(id),{credentials:'same-origin',headers:{Accept:'application/json'}})
 .then(function(r){return r.json();}).then(function(j){
  if(j.status==='request_retrieved'){qr.classList.add('dim');show(j.status,j.message);}
  if(j.status==='issuance_successful'){show(j.status,j.message);document.getElementById('continue').submit();return;}
  if(j.status==='issuance_error'||j.status==='expired'){location.reload();return;}
  setTimeout(tick,1000);
 }).catch(function(){setTimeout(tick,1000);});
}
setTimeout(tick,1000);
})();)js";

std::string Heading(const std::string& state, const std::string& text) {
  return "<h1 id=\"state\" data-state=\"" + HtmlEscape(state) + "\">" + HtmlEscape(text) + "</h1>";
}

std::string Waiting(const IssuanceView& v) {
  const IssuanceRecord& r = *v.record;
  const std::string base = "/issuance/" + v.session_id;
  std::string html = "<div id=\"issuance\" data-id=\"" + HtmlEscape(r.id) + "\" data-expiry=\"" +
                     std::to_string(r.expiry) + "\">";
  html += Heading(v.status, "Add your credential to your wallet");
  html += "<p id=\"message\">" + HtmlEscape(IssuanceMessage(v.status)) + "</p>";
  html += "<div id=\"qr\" class=\"qr" + std::string(v.status == "request_retrieved" ? " dim" : "") +
          "\">" + common::QrCodeSvg(r.url, "QR code for your wallet") + "</div>";
  html += "<p><a class=\"button\" id=\"open-wallet\" href=\"" + HtmlEscape(r.url) +
          "\">Open in wallet</a> <span class=\"muted\">on this phone</span></p>";
  if (!r.pin.empty()) {
    html += "<p>Your wallet will ask for this PIN:</p><p class=\"pin\" id=\"pin\">" +
            HtmlEscape(r.pin) + "</p>";
  }
  html +=
      "<p class=\"muted\">The code works for a few minutes. This page follows along by itself; "
      "you can also <a href=\"" +
      HtmlEscape(base) +
      "\">check again</a>. "
      "<a href=\"" +
      HtmlEscape(base + "/qr.png") + "\">QR code as an image</a>.</p></div>";
  html += "<form id=\"continue\" method=\"post\" action=\"" + HtmlEscape(base + "/continue") +
          "\" hidden></form>";
  html += "<p class=\"muted\">No wallet at hand?</p>" +
          PostButton(base + "/skip", "Return to " + v.org_name + " without a credential", "skip");
  return html;
}

std::string Retry(const IssuanceView& v, const std::string& heading, const std::string& message) {
  const std::string base = "/issuance/" + v.session_id;
  return Heading(v.status, heading) + "<p id=\"message\">" + HtmlEscape(message) + "</p>" +
         PostButton(base + "/new", "Get a new code", "new-code") +
         "<p class=\"muted\">Or go back without a credential:</p>" +
         PostButton(base + "/skip", "Return to " + v.org_name, "skip");
}

}  // namespace

common::PageOptions IssuancePage(const IssuanceView& v) {
  common::PageOptions page;
  const std::string base = "/issuance/" + v.session_id;
  if (v.status == "request_created" || v.status == "request_retrieved") {
    page.title = "Add your credential";
    page.body_html = Waiting(v);
    page.script = kPollScript;
  } else if (v.status == "issuance_successful") {
    page.title = "Credential added";
    page.body_html = Heading(v.status, "Your credential is in your wallet") + "<p id=\"message\">" +
                     HtmlEscape(IssuanceMessage(v.status)) + "</p>" +
                     PostButton(base + "/continue", "Continue to " + v.org_name, "continue-button");
  } else if (v.status == "issuance_error") {
    page.title = "Credential not added";
    std::string why = IssuanceMessage(v.status);
    if (v.record && !v.record->error_message.empty()) why += " (" + v.record->error_message + ")";
    page.body_html = Retry(v, "Your wallet could not add the credential", why);
  } else if (v.status == "expired") {
    page.title = "Code expired";
    page.body_html =
        Retry(v, "This code has expired", "Get a new code and scan it within a few minutes.");
  } else {
    page.title = "Get your credential";
    page.body_html =
        Retry(v, "Get your credential",
              v.error.empty() ? "Your identity is verified. Get a code for your wallet." : v.error);
  }
  return page;
}

}  // namespace vc::issuer
