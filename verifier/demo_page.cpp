#include "verifier/demo_page.h"

#include "common/http/html.h"

namespace vc::verifier {
namespace {

// Element ids: vf-form (policy and protocol selects + button), vf-qr, vf-link, vf-status,
// vf-message, vf-claims (a <dl> of verified claims), vf-error.
constexpr const char* kScript = R"js((function(){
var form=document.getElementById('vf-form');
var out=document.getElementById('vf-out');
var qr=document.getElementById('vf-qr');
var link=document.getElementById('vf-link');
var status=document.getElementById('vf-status');
var message=document.getElementById('vf-message');
var claims=document.getElementById('vf-claims');
var err=document.getElementById('vf-error');
var timer=null;
function show(j){
  status.textContent=j.status;
  message.textContent=j.message+(j.error?': '+j.error.code+' - '+j.error.message:'');
  if(j.status==='request_retrieved'){qr.hidden=true;}
  if(j.status==='presentation_verified'){
    qr.hidden=true;
    claims.textContent='';
    var add=function(k,v){var dt=document.createElement('dt');dt.textContent=k;var dd=document.createElement('dd');dd.textContent=v;claims.appendChild(dt);claims.appendChild(dd);};
    add('subject',j.subject);
    (j.credentials||[]).forEach(function(c){
      add('type',c.types.join(', '));add('issuer',c.issuer);add('revocationStatus',c.revocationStatus);
      Object.keys(c.claims).forEach(function(k){var v=c.claims[k];add(k,typeof v==='string'?v:JSON.stringify(v));});
      add('expirationDate',c.expirationDate||'');
    });
    claims.hidden=false;
  }
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
  err.textContent='';claims.hidden=true;
  fetch('/verifier/demo/requests',{method:'POST',headers:{'Content-Type':'application/json',Accept:'application/json'},
    body:JSON.stringify({policy:form.elements.policy.value,protocol:form.elements.protocol.value})})
    .then(function(r){return r.json().then(function(j){return {ok:r.ok,j:j};});})
    .then(function(res){
      if(!res.ok){err.textContent=res.j.message||'The request could not be created.';return;}
      qr.innerHTML=res.j.qrSvg;qr.hidden=false;
      link.href=res.j.url;link.textContent=res.j.url;
      out.hidden=false;status.textContent='request_created';message.textContent='Waiting for the QR code to be scanned';
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
  static const std::string script(kScript);
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
        "relying party "
        "would.</p><form id=\"vf-form\"><label for=\"vf-policy\">Policy</label><select "
        "id=\"vf-policy\" "
        "name=\"policy\">" +
        PolicyOptions(policies) +
        "</select><label for=\"vf-protocol\">Protocol</label><select id=\"vf-protocol\" "
        "name=\"protocol\"><option value=\"entra\">Entra Verified ID (openid-vc://)</option>"
        "<option value=\"openid4vp\">OpenID4VP 1.0, SD-JWT VC (openid4vp://)</option></select>"
        "<p><button type=\"submit\">Create presentation request</button></p></form>"
        "<p id=\"vf-error\" class=\"error\" role=\"alert\"></p>"
        "<section id=\"vf-out\" hidden><div id=\"vf-qr\"></div>"
        "<p>Deep link: <a id=\"vf-link\" href=\"#\"></a></p>"
        "<p>Status: <strong id=\"vf-status\"></strong> <span id=\"vf-message\" "
        "class=\"muted\"></span></p>"
        "<dl id=\"vf-claims\" hidden></dl></section>";
  }
  auto r = common::HttpServerResponse::Html(200, common::RenderPage(page));
  r.SetHeader("Content-Security-Policy", common::PageCsp(page));
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

}  // namespace vc::verifier
