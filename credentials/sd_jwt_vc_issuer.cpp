#include "credentials/sd_jwt_vc_issuer.h"

#include "common/base/json.h"
#include "common/http/url.h"

namespace vc::credentials {
using common::Error;
using common::Result;

namespace {

Error Unavailable(const std::string& why) { return Error{"issuer_key_unavailable", why}; }

// GET `url` for a JSON object; errors say which document and why.
Result<rapidjson::Document> FetchJson(common::HttpClient& http, const std::string& url,
                                      const std::string& what) {
  auto r = common::Get(http, url, {{"Accept", "application/json"}});
  if (!r) return Unavailable(what + ": " + r.error().message);
  if (r->status != 200) return Unavailable(what + " answered HTTP " + std::to_string(r->status));
  auto doc = common::ParseJsonObject(r->body);
  if (!doc) return Unavailable(what + " is not a JSON object");
  return std::move(*doc);
}

}  // namespace

Result<std::string> JwtVcIssuerMetadataUrl(std::string_view iss) {
  auto url = common::ParseUrl(iss);
  if (!url || (url->scheme != "https" && url->scheme != "http") || !url->query.empty() ||
      !url->fragment.empty() || iss.find('?') != std::string_view::npos ||
      iss.find('#') != std::string_view::npos) {
    return Error{"invalid_issuer", "the issuer is not an http(s) URL without query or fragment"};
  }
  const std::string path = url->path == "/" ? "" : url->path;
  return url->Origin() + "/.well-known/jwt-vc-issuer" + path;
}

SdJwtIssuerKeys::SdJwtIssuerKeys(common::HttpClient& http, DidResolver& dids,
                                 const common::Clock& clock, int64_t cache_seconds)
    : http_(http), dids_(dids), clock_(clock), cache_seconds_(cache_seconds) {}

Result<common::Jwks> SdJwtIssuerKeys::Fetch(const std::string& iss) {
  auto url = JwtVcIssuerMetadataUrl(iss);
  if (!url) return Unavailable(url.error().message);
  auto md = FetchJson(http_, *url, "the jwt-vc-issuer metadata");
  if (!md) return md.error();
  if (common::GetString(*md, "issuer").value_or("") != iss)
    return Unavailable("the jwt-vc-issuer metadata names another issuer");
  std::string jwks_text;
  if (const auto* jwks = common::GetObject(*md, "jwks")) {
    jwks_text = common::ToJson(*jwks);
  } else if (auto uri = common::GetString(*md, "jwks_uri")) {
    auto set = FetchJson(http_, std::string(*uri), "the issuer's jwks_uri");
    if (!set) return set.error();
    jwks_text = common::ToJson(*set);
  } else {
    return Unavailable("the jwt-vc-issuer metadata has neither jwks nor jwks_uri");
  }
  auto keys = common::Jwks::FromJsonText(jwks_text);
  if (!keys) return Unavailable("the issuer's JWKS: " + keys.error().message);
  std::lock_guard lock(mu_);
  cache_[iss] = Cached{*keys, clock_.NowSeconds() + cache_seconds_};
  return keys;
}

Result<common::Jwk> SdJwtIssuerKeys::FindByDid(const std::string& iss, const std::string& kid) {
  if (kid.empty()) return Unavailable("a DID issuer's JWT must name its key (kid)");
  const std::string method = kid.starts_with("#") ? iss + kid : kid;
  if (DidOfMethod(method) != iss)
    return Unavailable("the kid " + kid + " is not a key of the issuer " + iss);
  auto key = dids_.ResolveKey(method);
  if (!key) return Unavailable(key.error().message);
  return *key;
}

Result<common::Jwk> SdJwtIssuerKeys::Find(const std::string& iss, const std::string& kid) {
  if (iss.starts_with("did:")) return FindByDid(iss, kid);
  auto pick = [&](const common::Jwks& set) -> const common::Jwk* {
    if (!kid.empty()) return set.FindByKid(kid);
    return set.keys().size() == 1 ? &set.keys()[0] : nullptr;
  };
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(iss);
    if (it != cache_.end() && it->second.until > clock_.NowSeconds()) {
      if (const common::Jwk* key = pick(it->second.keys)) return *key;
    }
  }
  auto fresh = Fetch(iss);
  if (!fresh) return fresh.error();
  if (const common::Jwk* key = pick(*fresh)) return *key;
  return Unavailable(kid.empty() ? "the JWT names no kid and the issuer publishes several keys"
                                 : "the issuer publishes no key " + kid);
}

}  // namespace vc::credentials
