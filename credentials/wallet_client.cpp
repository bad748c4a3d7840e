#include "credentials/wallet_client.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "common/base/json.h"
#include "common/http/url.h"
#include "credentials/did_resolver.h"
#include "credentials/internal/wallet_steps.h"
#include "credentials/vc_jwt.h"
#include "keys/key_store.h"

namespace vc::credentials {
using common::Error;
using common::Result;
using common::Status;

using internal::StepError;
using internal::Str;

namespace {

// The service's reason from an error envelope (innererror), or the status.
std::string Reason(const common::HttpResponse& r) {
  auto doc = common::ParseJsonObject(r.body);
  const auto* err = doc ? common::GetObject(*doc, "error") : nullptr;
  const auto* inner = err ? common::GetObject(*err, "innererror") : nullptr;
  if (inner) {
    return "HTTP " + std::to_string(r.status) + " " +
           std::string(common::GetString(*inner, "code").value_or("")) + ": " +
           std::string(common::GetString(*inner, "message").value_or(""));
  }
  return "HTTP " + std::to_string(r.status);
}

struct Fetched {
  VerifiedJwt request;
  std::string request_uri;
};

// Development deployments serve their did:web over plain http; the wallet
// resolves with the scheme of the request_uri it was given.
DidResolverOptions ResolverFor(const std::string& uri) {
  DidResolverOptions o;
  o.web_scheme = uri.starts_with("http://") ? "http" : "https";
  return o;
}

Result<VerifiedJwt> FetchSigned(common::HttpClient& http, DidResolver& resolver,
                                const std::string& url, const std::string& step,
                                const char* did_claim) {
  auto r = common::Get(http, url, {{"Prefer", "JWT-interop-profile-0.0.1"}});
  if (!r) return StepError(step, r.error().message);
  if (r->status != 200) return StepError(step, Reason(*r));
  std::string body = r->body;
  if (auto doc = common::ParseJsonObject(body)) {  // manifests come as {"token": JWS}
    if (auto t = common::GetString(*doc, "token")) body = std::string(*t);
  }
  auto v = VerifyDidSignedJwt(body, resolver, did_claim);
  if (!v) return StepError(step, v.error().code + ": " + v.error().message);
  return v;
}

const rapidjson::Value* Descriptors(const rapidjson::Value& p) {
  const auto* claims = common::GetObject(p, "claims");
  const auto* vp = claims ? common::GetObject(*claims, "vp_token") : nullptr;
  const auto* def = vp ? common::GetObject(*vp, "presentation_definition") : nullptr;
  return def ? common::GetArray(*def, "input_descriptors") : nullptr;
}

Result<std::string> IssueAndVerify(common::HttpClient& http, DidResolver& resolver,
                                   const Holder& holder, const IssuanceProof& proof, int64_t now) {
  auto jws = MakeIssuanceProof(holder, proof);
  if (!jws) return jws.error();
  common::HttpRequest post{"POST", proof.credential_issuer, {{"Content-Type", "text/plain"}}, *jws};
  auto issued = http.Send(post);
  if (!issued) return StepError("issue", issued.error().message);
  if (issued->status != 200) return StepError("issue", Reason(*issued));
  auto body = common::ParseJsonObject(issued->body);
  const std::string vc = body ? Str(*body, "vc") : "";
  auto verified = VerifyVcJwt(vc, resolver, now);
  if (!verified || verified->subject != holder.did)
    return StepError("issue", "the credential received does not verify");
  return vc;
}

Status Complete(common::HttpClient& http, const std::string& redirect_uri,
                const std::string& state) {
  common::JsonWriter done;
  done->StartObject();
  done.Member("code", "issuance_successful");
  done.Member("state", state);
  done->EndObject();
  auto completed = common::PostJson(http, redirect_uri, done.str());
  if (!completed) return StepError("completion", completed.error().message);
  if (completed->status != 202) return StepError("completion", Reason(*completed));
  return {};
}

}  // namespace

Result<std::string> RequestUriFromLink(const std::string& link) {
  for (const std::string prefix : {"openid-vc://?request_uri=", "openid://vc?request_uri="}) {
    if (!link.starts_with(prefix)) continue;
    std::string uri = link.substr(prefix.size());
    if (!uri.starts_with("http")) {
      auto d = common::PercentDecode(uri);
      if (!d) return Error{"bad_link", "request_uri is not valid percent-encoding"};
      uri = *d;
    }
    if (!common::ParseUrl(uri)) return Error{"bad_link", "request_uri is not an absolute URL"};
    return uri;
  }
  return Error{"bad_link", "not an openid-vc:// link"};
}

Result<std::string> WalletClient::Accept(const Holder& holder, const std::string& link,
                                         const std::string& pin) {
  auto uri = RequestUriFromLink(link);
  if (!uri) return uri.error();
  DidResolver resolver(http_, clock_, ResolverFor(*uri));
  auto req = FetchSigned(http_, resolver, *uri, "request_object", "client_id");
  if (!req) return req.error();
  const auto& p = req->payload;
  if (Str(p, "prompt") != "create")
    return StepError("request_object", "this is not an issuance request");
  const auto* ds = Descriptors(p);
  const auto* iss = ds && !ds->Empty() ? common::GetArray((*ds)[0], "issuance") : nullptr;
  if (!iss || iss->Empty()) return StepError("request_object", "no manifest in the request");
  auto manifest = FetchSigned(http_, resolver, Str((*iss)[0], "manifest"), "manifest", "iss");
  if (!manifest) return manifest.error();
  const auto* input = common::GetObject(manifest->payload, "input");
  const std::string issue_url = input ? Str(*input, "credentialIssuer") : "";
  std::string pin_hash;
  if (const auto* pin_spec = common::GetObject(p, "pin")) {
    if (pin.empty()) return StepError("pin", "this credential needs a PIN (--pin)");
    pin_hash = PinHash(Str(*pin_spec, "salt"), pin);
  }
  IssuanceProof proof{issue_url, Str((*iss)[0], "manifest"), Str(p, "id_token_hint"), pin_hash,
                      clock_.NowSeconds()};
  auto vc = IssueAndVerify(http_, resolver, holder, proof, clock_.NowSeconds());
  if (!vc) return vc;
  if (auto s = Complete(http_, Str(p, "redirect_uri"), Str(p, "state")); !s) return s.error();
  return vc;
}

Status WalletClient::Present(const Holder& holder, const std::vector<std::string>& held,
                             const std::string& link) {
  auto uri = RequestUriFromLink(link);
  if (!uri) return uri.error();
  DidResolver resolver(http_, clock_, ResolverFor(*uri));
  auto req = FetchSigned(http_, resolver, *uri, "request_object", "client_id");
  if (!req) return req.error();
  const auto& p = req->payload;
  if (p.HasMember("prompt"))
    return StepError("request_object", "this is not a presentation request");
  const auto* ds = Descriptors(p);
  if (!ds || ds->Empty()) return StepError("request_object", "no input_descriptors");
  PresentationAnswer a{Str(p, "client_id"), Str(p, "nonce"), "", {}, {}, clock_.NowSeconds()};
  const auto* claims = common::GetObject(p, "claims");
  a.definition_id = Str(
      *common::GetObject(*common::GetObject(*claims, "vp_token"), "presentation_definition"), "id");
  for (const auto& d : ds->GetArray()) {
    const std::string type = Str(d, "id");
    std::string chosen;
    for (const auto& vc : held) {
      auto v = VerifyVcJwt(vc, resolver, clock_.NowSeconds());
      if (v && std::find(v->types.begin(), v->types.end(), type) != v->types.end()) chosen = vc;
    }
    if (chosen.empty())
      return StepError("present", "the wallet holds no credential of type " + type);
    a.descriptor_ids.push_back(type);
    a.vcs.push_back(chosen);
  }
  auto id_token = MakeSiopIdToken(holder, a);
  auto vp = MakeVpJwt(holder, a);
  if (!id_token || !vp) return StepError("present", "signing failed");
  auto r =
      common::PostForm(http_, Str(p, "redirect_uri"),
                       {{"id_token", *id_token}, {"vp_token", *vp}, {"state", Str(p, "state")}});
  if (!r) return StepError("present", r.error().message);
  if (r->status != 200) return StepError("present", Reason(*r));
  return {};
}

Result<WalletFile> WalletFile::LoadOrCreate(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    return WalletFile{Holder::FromKey(common::Jwk::Generate(common::JwsAlg::kES256)), {}};
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto doc = common::ParseJsonObject(ss.str());
  const auto* key = doc ? common::GetObject(*doc, "key") : nullptr;
  auto jwk = key ? common::Jwk::FromJson(*key) : Result<common::Jwk>(Error{"", "no key"});
  if (!jwk || !jwk->has_private())
    return Error{"wallet_file", "the wallet file has no usable private key"};
  WalletFile w{Holder::FromKey(*jwk), {}};
  if (const auto* vcs = common::GetArray(*doc, "credentials")) {
    for (const auto& v : vcs->GetArray()) {
      if (v.IsString()) w.credentials.emplace_back(v.GetString(), v.GetStringLength());
    }
  }
  return w;
}

Status WalletFile::Save(const std::filesystem::path& path) const {
  const std::string key = holder.key.ToPrivateJson();
  common::JsonWriter w;
  w->StartObject();
  w.Member("did", holder.did);
  w->Key("key");
  w->RawValue(key.data(), key.size(), rapidjson::kObjectType);
  w->Key("credentials");
  w->StartArray();
  for (const auto& c : credentials) w->String(c);
  w->EndArray();
  w->EndObject();
  return keys::WritePrivateFile(path, w.str());
}

}  // namespace vc::credentials
