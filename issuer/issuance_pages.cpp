#include "issuer/issuance_pages.h"

#include "common/http/qr.h"
#include "issuer/issuance.h"
#include "issuer/oid4vci_service.h"
#include "issuer/session_web.h"

namespace vc::issuer {
using common::HtmlEscape;

namespace {

// One script for every issuance page (its CSP hash is constant): polls the
// status, dims the code once the wallet fetched the request, and moves on.
// With an OpenID4VCI offer beside it, follows that too: whichever the wallet
// completes continues the page.
constexpr const char* kPollScript = R"js((function(){
var box=document.getElementById('issuance'),sd=document.getElementById('oid4vci');if(!box&&!sd)return;
var state=document.getElementById('state'),msg=document.getElementById('message');
function show(s,m){state.setAttribute('data-state',s);msg.textContent=m;}
function poll(el,path,on){if(!el)return;
 var id=el.getAttribute('data-id'),expiry=+el.getAttribute('data-expiry');
 function tick(){
  if(Date.now()/1000>expiry+1){location.reload();return;}
  fetch(path+encodeURIComponent(id),{credentials:'same-origin',headers:{Accept:'application/json'}})
  .then(function(r){return r.json();}).then(function(j){if(on(j)!==false)setTimeout(tick,1000);})
  .catch(function(){setTimeout(tick,1000);});
 }
 setTimeout(tick,1000);
}
function done(j){show('issuance_successful',j.message);document.getElementById('continue').submit();return false;}
poll(box,'/api/issuer/request-status?id=',function(j){
 if(j.status==='request_retrieved'){document.getElementById('qr').classList.add('dim');show(j.status,j.message);}
 if(j.status==='issuance_successful')return done(j);
 if(j.status==='issuance_error'||j.status==='expired'){location.reload();return false;}
});
poll(sd,'/api/issuer/offer-status?id=',function(j){
 if(j.status==='token_issued'){document.getElementById('oid4vci-qr').classList.add('dim');}
 if(j.status==='credential_issued')return done(j);
 if((j.status==='failed'||j.status==='expired')&&!box){location.reload();return false;}
});
})();)js";

std::string Heading(const std::string& state, const std::string& text) {
  return "<h1 id=\"state\" data-state=\"" + HtmlEscape(state) + "\">" + HtmlEscape(text) + "</h1>";
}

// The OpenID4VCI offer while it waits: its own QR code, link and tx_code.
std::string OfferBlock(const IssuanceView& v) {
  const Offer& o = *v.offer;
  std::string html = "<div id=\"oid4vci\" data-id=\"" + HtmlEscape(o.id) + "\" data-expiry=\"" +
                     std::to_string(o.expiry) + "\">";
  html += "<h2>Or with an OpenID4VCI wallet (SD-JWT VC)</h2>";
  html += "<p>For EU Digital Identity and other OpenID4VCI wallets.</p>";
  html += "<div id=\"oid4vci-qr\" class=\"qr" +
          std::string(v.offer_status == "token_issued" ? " dim" : "") + "\">" +
          common::QrCodeSvg(v.offer_url, "QR code for an OpenID4VCI wallet") + "</div>";
  html += "<p><a class=\"button\" id=\"open-oid4vci-wallet\" href=\"" + HtmlEscape(v.offer_url) +
          "\">Open in OpenID4VCI wallet</a></p><p class=\"muted\">Or paste this link into your "
          "wallet:</p>" +
          common::CopyableText("oid4vci-deep-link", v.offer_url, "Offer link for your wallet");
  if (!o.tx_code.empty()) {
    html +=
        "<p>Your wallet will ask for this transaction code:</p><p class=\"pin\" id=\"tx-code\">" +
        HtmlEscape(o.tx_code) + "</p>";
  }
  return html + "</div>";
}

bool OfferWaits(const IssuanceView& v) {
  return v.offer && (v.offer_status == "offer_created" || v.offer_status == "token_issued");
}

std::string Waiting(const IssuanceView& v) {
  if (!v.record) {  // a contract issued as dc+sd-jwt only
    return Heading(v.status, "Add your credential to your wallet") +
           "<p id=\"message\" aria-live=\"polite\">" + HtmlEscape(OfferMessage(v.offer_status)) +
           "</p>" + OfferBlock(v) + "<form id=\"continue\" method=\"post\" action=\"" +
           HtmlEscape("/issuance/" + v.session_id + "/continue") + "\" hidden></form>" +
           "<p class=\"muted\">No wallet at hand?</p>" +
           PostButton("/issuance/" + v.session_id + "/skip",
                      "Return to " + v.org_name + " without a credential", "skip", "secondary");
  }
  const IssuanceRecord& r = *v.record;
  const std::string base = "/issuance/" + v.session_id;
  std::string html = "<div id=\"issuance\" data-id=\"" + HtmlEscape(r.id) + "\" data-expiry=\"" +
                     std::to_string(r.expiry) + "\">";
  html += Heading(v.status, "Add your credential to your wallet");
  html +=
      "<p id=\"message\" aria-live=\"polite\">" + HtmlEscape(IssuanceMessage(v.status)) + "</p>";
  html += WalletOfferHtml({r.url, "", "", v.status == "request_retrieved"});
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
  if (OfferWaits(v)) html += OfferBlock(v);
  html += "<form id=\"continue\" method=\"post\" action=\"" + HtmlEscape(base + "/continue") +
          "\" hidden></form>";
  html += "<p class=\"muted\">No wallet at hand?</p>" +
          PostButton(base + "/skip", "Return to " + v.org_name + " without a credential", "skip",
                     "secondary");
  return html;
}

std::string Retry(const IssuanceView& v, const std::string& heading, const std::string& message) {
  const std::string base = "/issuance/" + v.session_id;
  return Heading(v.status, heading) + "<p id=\"message\">" + HtmlEscape(message) + "</p>" +
         PostButton(base + "/new", "Get a new code", "new-code") +
         "<p class=\"muted\">Or go back without a credential:</p>" +
         PostButton(base + "/skip", "Return to " + v.org_name, "skip", "secondary");
}

}  // namespace

std::string WalletOfferHtml(const WalletOffer& o) {
  const std::string& p = o.id_prefix;
  std::string html = "<section class=\"offer\">";
  if (!o.caption.empty()) html += "<h2>" + HtmlEscape(o.caption) + "</h2>";
  html += "<div id=\"" + HtmlEscape(p) + "qr\" class=\"qr" + (o.dim ? " dim" : "") + "\">" +
          common::QrCodeSvg(o.url, "QR code for your wallet") + "</div>";
  html += "<p><a class=\"button\" id=\"" + HtmlEscape(p) + "open-wallet\" href=\"" +
          HtmlEscape(o.url) +
          "\">Open in wallet</a> <span class=\"muted\">on this phone</span></p>";
  html += "<p class=\"muted\">Or paste this link into your wallet:</p>" +
          common::CopyableText(p + "deep-link", o.url, "Deep link for your wallet");
  return html + "</section>";
}

common::PageOptions IssuancePage(const IssuanceView& v) {
  common::PageOptions page;
  const std::string base = "/issuance/" + v.session_id;
  if (v.status == "request_created" || v.status == "request_retrieved") {
    page.title = "Add your credential";
    page.body_html = Waiting(v);
    page.script = kPollScript + common::CopyScript();
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
