#include "verifier/demo_page.h"

#include "common/http/html.h"

namespace vc::verifier {
namespace {

// Element ids: vf-form (policy and protocol selects + button), vf-out, vf-qr, vf-open (the
// "Open in wallet" link), vf-link (the deep link as text, with a Copy button),
// vf-status (the state in words; its data-status is the API's status),
// vf-message, vf-result (a table of the holder, each credential's issuer,
// status and claims), vf-error.
constexpr const char* kScript = R"js((function(){
var $=function(id){return document.getElementById(id);};
var form=$('vf-form'),out=$('vf-out'),qr=$('vf-qr'),open=$('vf-open'),link=$('vf-link');
var status=$('vf-status'),message=$('vf-message'),result=$('vf-result'),err=$('vf-error');
var timer=null;
var WORDS={request_created:'Waiting for the wallet',request_retrieved:'The wallet opened the request',
 presentation_verified:'Verified',presentation_error:'Failed',expired:'Expired'};
function row(body,k,v){var tr=document.createElement('tr');var th=document.createElement('th');th.scope='row';th.textContent=k;
 var td=document.createElement('td');td.textContent=v;tr.appendChild(th);tr.appendChild(td);body.appendChild(tr);}
function day(iso){if(!iso){return 'not given';}var d=new Date(iso);return isNaN(d)?iso:d.toUTCString();}
function showResult(j){
 result.textContent='';
 var cap=document.createElement('caption');cap.textContent='What the wallet presented';result.appendChild(cap);
 var head=document.createElement('tbody');result.appendChild(head);
 row(head,'Holder',j.subject||'unknown');
 (j.credentials||[]).forEach(function(c){
  var body=document.createElement('tbody');result.appendChild(body);
  row(body,'Credential',(c.types||[]).filter(function(t){return t!=='VerifiableCredential';}).join(', ')||'VerifiableCredential');
  row(body,'Issued by',c.issuer);
  row(body,'Revocation',c.revocationStatus==='VALID'?'Valid (not revoked)':c.revocationStatus==='REVOKED'?'Revoked':c.revocationStatus);
  row(body,'Linked domain',c.domainValidation&&c.domainValidation.url?'Verified: '+c.domainValidation.url:'Not checked');
  row(body,'Issued on',day(c.issuanceDate));
  row(body,'Expires on',day(c.expirationDate));
  Object.keys(c.claims||{}).forEach(function(k){var v=c.claims[k];row(body,k,typeof v==='string'?v:JSON.stringify(v));});
 });
 result.hidden=false;
}
function show(j){
  status.setAttribute('data-status',j.status);
  status.textContent=WORDS[j.status]||j.status;
  message.textContent=j.message+(j.error?': '+j.error.message+' ('+j.error.code+')':'');
  if(j.status!=='request_created'){qr.hidden=true;}
  if(j.status==='presentation_verified'){showResult(j);}
  return j.status==='presentation_verified'||j.status==='presentation_error'||j.status==='expired';
}
function poll(id){
  fetch('/verifier/demo/requests/'+encodeURIComponent(id),{headers:{Accept:'application/json'}})
    .then(function(r){return r.json();})
    .then(function(j){if(!show(j)){timer=setTimeout(function(){poll(id);},1000);}})
    .catch(function(){timer=setTimeout(function(){poll(id);},1000);});
}
form.addEventListener('submit',function(e){
  e.preventDefault();
  if(timer){clearTimeout(timer);}
  err.textContent='';result.hidden=true;
  fetch('/verifier/demo/requests',{method:'POST',headers:{'Content-Type':'application/json',Accept:'application/json'},
    body:JSON.stringify({policy:form.elements.policy.value,protocol:form.elements.protocol.value})})
    .then(function(r){return r.json().then(function(j){return {ok:r.ok,j:j};});})
    .then(function(res){
      if(!res.ok){err.textContent=res.j.message||'The request could not be created.';return;}
      qr.innerHTML=res.j.qrSvg;qr.hidden=false;
      open.href=res.j.url;link.textContent=res.j.url;out.hidden=false;
      show({status:'request_created',message:'Scan the QR code with a wallet, or give it the link below.'});
      poll(res.j.id);
    })
    .catch(function(){err.textContent='The verifier could not be reached.';});
});
})();)js";

std::string PolicyOptions(const std::vector<Policy>& policies) {
  std::string html;
  for (const auto& p : policies) {
    std::string types;
    for (const auto& rc : p.requested) types += (types.empty() ? "" : ", ") + rc.type;
    for (const auto& rc : p.sd_jwt) types += (types.empty() ? "" : ", ") + ("dc+sd-jwt " + rc.id);
    html += "<option value=\"" + common::HtmlEscape(p.id) + "\">" +
            common::HtmlEscape(p.id + " (" + types + ")") + "</option>";
  }
  return html;
}

}  // namespace

const std::string& DemoPageScript() {
  static const std::string script = kScript + common::CopyScript();
  return script;
}

common::HttpServerResponse DemoPageResponse(const std::vector<Policy>& policies,
                                            const std::string& banner) {
  common::PageOptions page;
  page.title = "Verifier demo";
  page.banner = banner;
  page.script = DemoPageScript();
  if (policies.empty()) {
    page.body_html =
        "<h1>Verifier demo</h1><p>No presentation policy is configured (verifier.policies).</p>";
  } else {
    page.body_html =
        "<h1>Verifier demo</h1><p class=\"muted\">Ask a wallet to present a credential, as a "
        "relying party would. <code>vcwallet present LINK</code> answers the link below.</p>"
        "<form id=\"vf-form\"><label for=\"vf-policy\">Policy</label><select id=\"vf-policy\" "
        "name=\"policy\">" +
        PolicyOptions(policies) +
        "</select><label for=\"vf-protocol\">Protocol</label><select id=\"vf-protocol\" "
        "name=\"protocol\"><option value=\"entra\">Entra Verified ID (openid-vc://)</option>"
        "<option value=\"openid4vp\">OpenID4VP 1.0, SD-JWT VC (openid4vp://)</option></select>"
        "<p><button type=\"submit\">Create presentation request</button></p></form>"
        "<p id=\"vf-error\" class=\"error\" role=\"alert\"></p>"
        "<section id=\"vf-out\" hidden><div id=\"vf-qr\" class=\"qr\"></div>"
        "<p><a class=\"button\" id=\"vf-open\" href=\"#\">Open in wallet</a></p>"
        "<p class=\"muted\">Deep link:</p>" +
        common::CopyableText("vf-link", "", "Deep link for the wallet") +
        "<p role=\"status\" aria-live=\"polite\">Status: <strong id=\"vf-status\"></strong>. "
        "<span id=\"vf-message\" class=\"muted\"></span></p>"
        "<table id=\"vf-result\" hidden></table>"
        "</section>";
    page.wide = true;
  }
  auto r = common::HttpServerResponse::Html(200, common::RenderPage(page));
  r.SetHeader("Content-Security-Policy", common::PageCsp(page));
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

}  // namespace vc::verifier
