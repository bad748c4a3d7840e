#include "credentials/oid4vp_client.h"

#include <algorithm>

#include "common/base/json.h"
#include "common/http/url.h"
#include "common/jose/jws.h"
#include "credentials/did_resolver.h"
#include "credentials/internal/wallet_steps.h"
#include "credentials/sd_jwt.h"
#include "credentials/vc_jwt.h"

namespace vc::credentials {
using common::Error;
using common::Result;
using common::Status;

using internal::StepError;
using internal::Str;

namespace {

constexpr const char* kScheme = "openid4vp://";
constexpr const char* kDidPrefix = "decentralized_identifier:";

struct Link {
  std::string client_id, request_uri;
};

Result<Link> ParseLink(const std::string& link) {
  if (!IsOpenId4VpLink(link)) return StepError("link", "not an openid4vp:// link");
  const size_t q = link.find('?');
  auto params = common::ParseQueryString(q == std::string::npos ? "" : link.substr(q + 1));
  if (!params) return StepError("link", "the link's query does not parse");
  if (params->Has("request"))
    return StepError("link", "request objects by value are not supported (request_uri only)");
  Link out{std::string(params->Get("client_id").value_or("")),
           std::string(params->Get("request_uri").value_or(""))};
  if (out.client_id.empty() || !common::ParseUrl(out.request_uri))
    return StepError("link", "the link needs a client_id and an absolute request_uri");
  return out;
}

// Development verifiers serve their did:web over plain http; resolve with the
// scheme of the request_uri the wallet was given (as wallet_client.cpp does).
DidResolverOptions ResolverFor(const std::string& uri) {
  DidResolverOptions o;
  o.web_scheme = uri.starts_with("http://") ? "http" : "https";
  return o;
}

// Signature, typ and the decentralized_identifier binding (OpenID4VP 1.0 §5.9.3).
Result<rapidjson::Document> VerifyJar(const std::string& jwt, const Link& link,
                                      DidResolver& resolver) {
  auto token = common::ParseCompact(jwt, 64 * 1024);
  if (!token) return StepError("request_object", "not a JWS: " + token.error().message);
  if (token->typ != "oauth-authz-req+jwt")
    return StepError("request_object", "typ is not oauth-authz-req+jwt");
  if (!link.client_id.starts_with(kDidPrefix))
    return StepError("request_object",
                     "only the decentralized_identifier: client prefix is supported");
  const std::string did = link.client_id.substr(std::string_view(kDidPrefix).size());
  if (DidOfMethod(token->kid) != did || token->kid.find('#') == std::string::npos)
    return StepError("request_object", "the kid is not a key of " + did);
  auto key = resolver.ResolveKey(token->kid);
  if (!key) return StepError("request_object", key.error().message);
  auto verified = common::VerifyCompact(jwt, *key, kCredentialAlgs, 64 * 1024);
  if (!verified) return StepError("request_object", verified.error().message);
  auto payload = common::ParseJsonObject(verified->payload, {64 * 1024, 16});
  if (!payload) return StepError("request_object", "the payload is not a JSON object");
  if (Str(*payload, "client_id") != link.client_id)
    return StepError("request_object", "client_id differs from the link's");
  return std::move(*payload);
}

Result<Oid4vpRequest> ReadRequest(const rapidjson::Value& p, const std::string& client_id) {
  Oid4vpRequest out{client_id, Str(p, "nonce"), Str(p, "state"), Str(p, "response_uri"), {}};
  if (Str(p, "response_type") != "vp_token" || Str(p, "response_mode") != "direct_post")
    return StepError("request_object", "only response_type vp_token with direct_post is supported");
  if (out.nonce.empty() || !common::ParseUrl(out.response_uri))
    return StepError("request_object", "no nonce or no absolute response_uri");
  if (p.HasMember("transaction_data"))
    return StepError("request_object", "transaction_data is not supported");
  const auto* query = common::GetObject(p, "dcql_query");
  if (!query) return StepError("request_object", "no dcql_query");
  auto queries = ParseDcqlQuery(*query);
  if (!queries) return StepError("request_object", queries.error().message);
  out.queries = std::move(*queries);
  return out;
}

// The disclosures of `parts` that give the claims `query` asks for; nullopt when
// one is neither disclosable nor visible in the payload.
std::optional<std::vector<std::string>> Select(const SdJwtParts& parts,
                                               const rapidjson::Value& payload,
                                               const DcqlCredentialQuery& query) {
  std::vector<std::string> chosen;
  for (const auto& path : query.claims) {
    const std::string& name = path.front();
    bool found = payload.IsObject() && payload.HasMember(name.c_str());
    for (const auto& encoded : parts.disclosures) {
      auto d = ParseDisclosure(encoded);
      if (!d || d->name != name) continue;
      found = true;
      if (std::find(chosen.begin(), chosen.end(), encoded) == chosen.end())
        chosen.push_back(encoded);
    }
    if (!found) return std::nullopt;
  }
  return chosen;
}

// Why a verifier refused: "HTTP 400 invalid_request: nonce_mismatch: …".
std::string Reason(const common::HttpResponse& r) {
  auto doc = common::ParseJsonObject(r.body);
  std::string out = "HTTP " + std::to_string(r.status);
  if (doc && doc->HasMember("error")) {
    out += " " + Str(*doc, "error");
    if (doc->HasMember("error_description")) out += ": " + Str(*doc, "error_description");
  }
  return out;
}

}  // namespace

bool IsOpenId4VpLink(const std::string& link) { return link.starts_with(kScheme); }

Result<std::string> AnswerQuery(const Holder& holder, const std::vector<std::string>& held,
                                const DcqlCredentialQuery& query, const Oid4vpRequest& request,
                                int64_t now) {
  if (query.format != kSdJwtVcFormat)
    return Error{"no_match", query.id + ": format " + query.format + " is not held"};
  for (const auto& credential : held) {
    auto parts = SplitSdJwt(credential);
    auto token = parts ? common::ParseCompact(parts->issuer_jwt, 64 * 1024)
                       : Result<common::JwsToken>(Error{"", ""});
    auto payload = token ? common::ParseJsonObject(token->payload)
                         : Result<rapidjson::Document>(Error{"", ""});
    if (!payload) continue;
    const std::string vct = Str(*payload, "vct");
    const auto& ok = query.vct_values;
    if (!ok.empty() && std::find(ok.begin(), ok.end(), vct) == ok.end()) continue;
    auto chosen = Select(*parts, *payload, query);
    if (!chosen) continue;
    return PresentSdJwt(*parts, *chosen, holder.key, holder.alg, request.client_id, request.nonce,
                        now);
  }
  return Error{"no_match", query.id + ": no held SD-JWT VC has the vct and claims asked for"};
}

Result<Oid4vpRequest> Oid4vpWalletClient::Resolve(const std::string& link) {
  auto parsed = ParseLink(link);
  if (!parsed) return parsed.error();
  auto r = common::Get(http_, parsed->request_uri, {{"Accept", "application/oauth-authz-req+jwt"}});
  if (!r) return StepError("request_object", r.error().message);
  if (r->status != 200) return StepError("request_object", Reason(*r));
  DidResolver resolver(http_, clock_, ResolverFor(parsed->request_uri));
  auto payload = VerifyJar(r->body, *parsed, resolver);
  if (!payload) return payload.error();
  return ReadRequest(*payload, parsed->client_id);
}

Status Oid4vpWalletClient::Present(const Holder& holder, const std::vector<std::string>& held,
                                   const std::string& link) {
  auto request = Resolve(link);
  if (!request) return request.error();
  VpToken token;
  for (const auto& query : request->queries) {
    auto answer = AnswerQuery(holder, held, query, *request, clock_.NowSeconds());
    if (!answer) {
      // Tell the verifier, so its request ends now rather than at its expiry.
      (void)common::PostForm(http_, request->response_uri,
                             {{"error", "access_denied"},
                              {"error_description", "the wallet holds no matching credential"},
                              {"state", request->state}});
      return StepError("query", answer.error().message + " (the verifier was told access_denied)");
    }
    token[query.id].push_back(*answer);
  }
  common::NameValueList form = {{"vp_token", WriteVpToken(token)}};
  if (!request->state.empty()) form.emplace_back("state", request->state);
  auto r = common::PostForm(http_, request->response_uri, form);
  if (!r) return StepError("response", r.error().message);
  if (r->status != 200) return StepError("response", Reason(*r));
  return {};
}

}  // namespace vc::credentials
