#include "credentials/oid4vci_client.h"

#include "common/base/json.h"
#include "common/http/url.h"
#include "common/jose/jws.h"
#include "credentials/did_resolver.h"
#include "credentials/internal/wallet_steps.h"
#include "credentials/sd_jwt.h"
#include "credentials/sd_jwt_vc_issuer.h"

namespace vc::credentials {
using common::Error;
using common::Result;
using rapidjson::Document;

using internal::StepError;
using internal::Str;

namespace {

constexpr const char* kScheme = "openid-credential-offer://";
constexpr const char* kGrant = "urn:ietf:params:oauth:grant-type:pre-authorized_code";

// "HTTP 400 invalid_grant: the tx_code is wrong" from an OAuth error answer.
std::string Reason(const common::HttpResponse& r) {
  auto doc = common::ParseJsonObject(r.body);
  std::string out = "HTTP " + std::to_string(r.status);
  if (doc && doc->HasMember("error")) {
    out += " " + Str(*doc, "error");
    if (doc->HasMember("error_description")) out += ": " + Str(*doc, "error_description");
  }
  return out;
}

Result<Document> Answer(const Result<common::HttpResponse>& r, const std::string& step) {
  if (!r) return StepError(step, r.error().message);
  if (r->status != 200) return StepError(step, Reason(*r));
  auto doc = common::ParseJsonObject(r->body);
  if (!doc) return StepError(step, "the answer is not a JSON object");
  return std::move(*doc);
}

struct Offer {
  std::string issuer, configuration_id, code;
  bool tx_code = false;
};

Result<Offer> ReadOffer(const rapidjson::Value& o) {
  Offer out;
  out.issuer = Str(o, "credential_issuer");
  const auto* ids = common::GetArray(o, "credential_configuration_ids");
  const auto* grants = common::GetObject(o, "grants");
  const auto* pre = grants ? common::GetObject(*grants, kGrant) : nullptr;
  if (out.issuer.empty() || !ids || ids->Empty() || !(*ids)[0].IsString())
    return StepError("offer", "no credential_issuer or credential_configuration_ids");
  if (!pre) return StepError("offer", "the offer has no pre-authorized code grant");
  out.configuration_id = (*ids)[0].GetString();
  out.code = Str(*pre, "pre-authorized_code");
  out.tx_code = pre->HasMember("tx_code");
  return out;
}

struct Endpoints {
  std::string token, nonce, credential, vct;
};

Result<Endpoints> ReadMetadata(common::HttpClient& http, const Offer& offer) {
  auto md =
      Answer(common::Get(http, offer.issuer + "/.well-known/openid-credential-issuer"), "metadata");
  if (!md) return md.error();
  Endpoints e{"", Str(*md, "nonce_endpoint"), Str(*md, "credential_endpoint"), ""};
  if (Str(*md, "credential_issuer") != offer.issuer)
    return StepError("metadata", "credential_issuer differs from the offer's");
  const auto* configs = common::GetObject(*md, "credential_configurations_supported");
  const auto* config =
      configs ? common::GetObject(*configs, offer.configuration_id.c_str()) : nullptr;
  if (!config || Str(*config, "format") != "dc+sd-jwt")
    return StepError("metadata", "no dc+sd-jwt configuration " + offer.configuration_id);
  e.vct = Str(*config, "vct");
  std::string as = offer.issuer;
  if (const auto* servers = common::GetArray(*md, "authorization_servers")) {
    if (!servers->Empty() && (*servers)[0].IsString()) as = (*servers)[0].GetString();
  }
  auto asm_doc =
      Answer(common::Get(http, as + "/.well-known/oauth-authorization-server"), "metadata");
  if (!asm_doc) return asm_doc.error();
  e.token = Str(*asm_doc, "token_endpoint");
  if (e.token.empty() || e.nonce.empty() || e.credential.empty())
    return StepError("metadata", "a token, nonce or credential endpoint is missing");
  return e;
}

Result<std::string> ProofJwt(const Holder& holder, const std::string& issuer,
                             const std::string& nonce, int64_t now) {
  common::JsonWriter w;
  w->StartObject();
  w.Member("aud", issuer);
  w.Member("iat", now);
  w.Member("nonce", nonce);
  w->EndObject();
  return common::SignCompact(holder.key, holder.alg, w.str(),
                             {"openid4vci-proof+jwt", holder.kid, ""});
}

Result<std::string> Verify(common::HttpClient& http, const common::Clock& clock,
                           const Holder& holder, const Offer& offer, const Endpoints& e,
                           const std::string& credential) {
  const int64_t now = clock.NowSeconds();
  auto parts = SplitSdJwt(credential);
  auto header = parts ? common::ParseCompact(parts->issuer_jwt)
                      : Result<common::JwsToken>(Error{"", "not an SD-JWT"});
  if (!header) return StepError("verify", "the credential is not an SD-JWT");
  DidResolver dids(http, clock);
  SdJwtIssuerKeys keys(http, dids, clock);
  auto key = keys.Find(offer.issuer, header->kid);
  if (!key) return StepError("verify", key.error().message);
  SdJwtVerifyOptions o;
  o.now = now;
  o.require_exp = true;
  auto v = VerifySdJwt(credential, *key, o);
  if (!v)
    return StepError("verify", std::string(Code(v.error().reason)) + ": " + v.error().message);
  const auto* cnf = common::GetObject(v->claims, "cnf");
  const auto* jwk = cnf ? common::GetObject(*cnf, "jwk") : nullptr;
  auto bound = jwk ? common::Jwk::FromJson(*jwk) : Result<common::Jwk>(Error{"", ""});
  if (Str(v->claims, "iss") != offer.issuer || Str(v->claims, "vct") != e.vct || !bound ||
      bound->Thumbprint() != holder.key.Thumbprint())
    return StepError("verify", "iss, vct or cnf.jwk is not what was asked for");
  return credential;
}

}  // namespace

bool IsCredentialOfferLink(const std::string& link) { return link.starts_with(kScheme); }

Result<std::string> CredentialOfferFromLink(const std::string& link, std::string* offer_json) {
  if (!IsCredentialOfferLink(link))
    return Error{"bad_link", "not an openid-credential-offer:// link"};
  const size_t q = link.find('?');
  auto params = common::ParseQueryString(q == std::string::npos ? "" : link.substr(q + 1));
  if (!params) return Error{"bad_link", "the link's query does not parse"};
  if (auto by_value = params->Get("credential_offer")) {
    *offer_json = std::string(*by_value);
    return std::string();
  }
  const std::string uri(params->Get("credential_offer_uri").value_or(""));
  if (!common::ParseUrl(uri))
    return Error{"bad_link", "credential_offer_uri is not an absolute URL"};
  return uri;
}

Result<std::string> Oid4vciWalletClient::Accept(const Holder& holder, const std::string& link,
                                                const std::string& tx_code) {
  std::string offer_json;
  auto uri = CredentialOfferFromLink(link, &offer_json);
  if (!uri) return uri.error();
  auto offer_doc = uri->empty() ? common::ParseJsonObject(offer_json)
                                : Answer(common::Get(http_, *uri), "offer");
  if (!offer_doc) return StepError("offer", offer_doc.error().message);
  auto offer = ReadOffer(*offer_doc);
  if (!offer) return offer.error();
  if (offer->tx_code && tx_code.empty())
    return StepError("token", "this offer needs the transaction code shown with it (--tx-code)");
  auto e = ReadMetadata(http_, *offer);
  if (!e) return e.error();
  common::NameValueList form = {{"grant_type", kGrant}, {"pre-authorized_code", offer->code}};
  if (offer->tx_code) form.emplace_back("tx_code", tx_code);
  auto token = Answer(common::PostForm(http_, e->token, form), "token");
  if (!token) return token.error();
  auto nonce = Answer(common::PostForm(http_, e->nonce, {}), "nonce");
  if (!nonce) return nonce.error();
  auto proof = ProofJwt(holder, offer->issuer, Str(*nonce, "c_nonce"), clock_.NowSeconds());
  if (!proof) return StepError("credential", proof.error().message);
  common::JsonWriter w;
  w->StartObject();
  w.Member("credential_configuration_id", offer->configuration_id);
  w->Key("proofs");
  w->StartObject();
  w->Key("jwt");
  w->StartArray();
  w.String(*proof);
  w->EndArray();
  w->EndObject();
  w->EndObject();
  auto issued =
      Answer(common::PostJson(http_, e->credential, w.str(),
                              {{"Authorization", "Bearer " + Str(*token, "access_token")}}),
             "credential");
  if (!issued) return issued.error();
  const auto* creds = common::GetArray(*issued, "credentials");
  if (!creds || creds->Empty() || !(*creds)[0].IsObject())
    return StepError("credential", "the answer holds no credentials");
  return Verify(http_, clock_, holder, *offer, *e, Str((*creds)[0], "credential"));
}

}  // namespace vc::credentials
