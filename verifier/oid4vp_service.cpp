#include "verifier/oid4vp_service.h"

#include <stdexcept>

#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/base/log.h"
#include "common/config/config.h"
#include "common/http/url.h"
#include "common/jose/jws.h"
#include "credentials/dcql.h"
#include "keys/did.h"
#include "verifier/oid4vp_evaluate.h"

namespace vc::verifier {
namespace {

constexpr const char* kAlgs[] = {"ES256", "ES256K", "EdDSA", "RS256"};  // kCredentialAlgs

WalletAnswer OAuthError(int status, const char* error, const std::string& description) {
  common::JsonWriter w;
  w->StartObject();
  w.Member("error", error);
  w.Member("error_description", description);
  w->EndObject();
  return WalletAnswer{status, "application/json", w.str()};
}

WalletAnswer Refused(const std::string& description) {
  return OAuthError(400, "invalid_request", description);
}

void WriteClientMetadata(common::JsonWriter& w, const Policy& policy) {
  w->Key("client_metadata");
  w->StartObject();
  w.Member("client_name", policy.registration.client_name);
  w->Key("vp_formats_supported");
  w->StartObject();
  w->Key(credentials::kSdJwtVcFormat);
  w->StartObject();
  for (const char* key : {"sd-jwt_alg_values", "kb-jwt_alg_values"}) {
    w->Key(key);
    w->StartArray();
    for (const char* alg : kAlgs) w.String(alg);
    w->EndArray();
  }
  w->EndObject();
  w->EndObject();
  w->EndObject();
}

// The wallet's own error response, kept short and as text.
Terminal WalletError(const common::QueryParams& form) {
  std::string message = std::string(form.Get("error").value_or(""));
  if (auto d = form.Get("error_description")) message += ": " + std::string(*d);
  if (message.size() > 200) message.resize(200);
  return Terminal{"presentation_error", "", std::string(Code(Oid4vpError::kWalletError)),
                  "the wallet answered " + message};
}

Terminal Failed(const Oid4vpFailure& f) {
  return Terminal{"presentation_error", "", std::string(Code(f.reason)), f.message};
}

// The one value of a form parameter; nullopt when absent or sent twice.
std::optional<std::string> Single(const common::QueryParams& form, std::string_view name) {
  auto all = form.GetAll(name);
  if (all.size() != 1) return std::nullopt;
  return std::string(all.front());
}

}  // namespace

Oid4vpService::Oid4vpService(Oid4vpOptions options, common::Database& db, keys::KeyStore& keys,
                             credentials::SdJwtIssuerKeys& issuer_keys,
                             credentials::TokenStatusFetcher& status, Webhooks& webhooks,
                             const common::Clock& clock)
    : options_(std::move(options)),
      did_(common::DidWebFromUrl(options_.public_base_url + "/oid4vp")),
      store_(db),
      keys_(keys),
      issuer_keys_(issuer_keys),
      status_(status),
      webhooks_(webhooks),
      clock_(clock) {
  RegisterPresentationMetrics();
  auto key = keys_.ActiveOrGenerate(kOid4vpKeyPurpose, common::JwsAlg::kES256);
  if (!key) throw std::runtime_error("OpenID4VP signing key: " + key.error().message);
  if (did_.empty()) throw std::runtime_error("OpenID4VP: publicBaseUrl gives no did:web");
}

std::string Oid4vpService::ClientId() const { return "decentralized_identifier:" + did_; }

common::Result<std::string> Oid4vpService::SignRequestObject(const Policy& policy,
                                                             const StoredPresentation& row) {
  auto key = keys_.Active(kOid4vpKeyPurpose);
  if (!key) return key.error();
  common::JsonWriter w;
  w->StartObject();
  w.Member("aud", "https://self-issued.me/v2");  // static discovery (OpenID4VP 1.0 §5.8)
  w.Member("iat", row.created);
  w.Member("exp", row.expiry);
  w.Member("client_id", ClientId());
  w.Member("response_type", "vp_token");
  w.Member("response_mode", "direct_post");
  w.Member("response_uri", options_.public_base_url + "/oid4vp/response");
  w.Member("nonce", row.nonce);
  w.Member("state", row.state);
  w->Key("dcql_query");
  credentials::WriteDcqlQuery(w, DcqlQueries(policy.sd_jwt));
  WriteClientMetadata(w, policy);
  w->EndObject();
  return common::SignCompact(key->key, key->alg, w.str(),
                             {"oauth-authz-req+jwt", did_ + "#" + key->key.kid(), ""});
}

Outcome<CreatedPresentation> Oid4vpService::Create(const std::string& org, const Policy& policy) {
  StoredPresentation row;
  row.id = common::RandomId(16);
  row.org = org;
  row.policy = PolicyJson(policy);
  row.state = common::RandomId(24);
  row.nonce = common::RandomId(24);
  row.protocol = kProtocolOpenId4Vp;
  row.created = clock_.NowSeconds();
  row.expiry = row.created + options_.request_lifetime_seconds;
  const std::string request_uri =
      options_.public_base_url + "/oid4vp/requests/" + common::PercentEncode(row.state);
  row.url = "openid4vp://?" +
            common::FormUrlEncode({{"client_id", ClientId()}, {"request_uri", request_uri}});
  auto jar = SignRequestObject(policy, row);
  if (!jar) return {std::nullopt, {500, "signing_error", "could not sign the request", ""}};
  row.request_object = *jar;
  if (auto s = store_.Insert(row); !s)
    return {std::nullopt, {500, "storage_error", "could not store the request", ""}};
  common::LogInfo("oid4vp_request_created", {{"id", row.id}});
  return {CreatedPresentation{row.id, row.url, row.expiry}, {}};
}

WalletAnswer Oid4vpService::RequestObject(const std::string& state) {
  auto row = store_.Find("state", state);
  if (!row) return OAuthError(500, "server_error", "the request could not be read; try again");
  if (!*row || (*row)->protocol != kProtocolOpenId4Vp)
    return OAuthError(404, "invalid_request_uri", "no such request");
  if (IsTerminalStatus((*row)->status) || clock_.NowSeconds() > (*row)->expiry)
    return OAuthError(410, "invalid_request_uri", "the request has expired or was answered");
  if (!store_.MarkRetrieved(state, clock_.NowSeconds()))
    return OAuthError(500, "server_error", "the request could not be updated; try again");
  return WalletAnswer{200, "application/oauth-authz-req+jwt", (*row)->request_object};
}

WalletAnswer Oid4vpService::Respond(const std::string& form_body) {
  auto form = common::ParseForm(form_body, {768 * 1024, 32});
  if (!form) return Refused("the body is not a form: " + form.error().message);
  const auto state = Single(*form, "state");
  if (!state) return Refused("one state parameter is required");
  auto found = store_.Find("state", *state);
  if (!found) return OAuthError(500, "server_error", "the request could not be read; try again");
  if (!*found || (*found)->protocol != kProtocolOpenId4Vp) return Refused("unknown state");
  const StoredPresentation& row = **found;
  if (IsTerminalStatus(row.status)) return Refused("this request was already answered");
  const int64_t now = clock_.NowSeconds();
  if (now > row.expiry) return Refused("the request has expired");
  if (form->Has("error")) return Record(row, WalletError(*form));
  const auto vp_token = Single(*form, "vp_token");
  if (!vp_token)
    return Record(row, Failed({Oid4vpError::kMalformedResponse, "one vp_token is required"}));
  Policy policy;
  auto doc = common::ParseJsonObject(row.policy);
  if (!doc || ParsePolicy(*doc, "", false, policy))
    return Record(row, Failed({Oid4vpError::kPolicyUnreadable, "the stored policy is unreadable"}));
  Oid4vpContext ctx{
      ClientId(),   row.nonce, now, options_.key_binding_max_age_seconds, options_.skew_seconds,
      issuer_keys_, status_};
  auto result = EvaluateVpToken(*vp_token, policy, ctx);
  if (!result) return Record(row, Failed(result.error()));
  return Record(row, Terminal{"presentation_verified", *result, "", ""});
}

WalletAnswer Oid4vpService::Record(const StoredPresentation& row, Terminal terminal) {
  const bool verified = terminal.status == "presentation_verified";
  const bool wallet_error = terminal.error_code == Code(Oid4vpError::kWalletError);
  const std::string description = terminal.error_code + ": " + terminal.error_message;
  auto changed = store_.Finish(row.state, terminal, row.nonce, clock_.NowSeconds(),
                               [this](common::Connection& c, const StoredPresentation& done) {
                                 return webhooks_.Enqueue(c, done);
                               });
  if (!changed) return OAuthError(500, "server_error", "the result could not be stored; try again");
  // Another response to the same request was recorded first: accepted once.
  if (!*changed) return Refused("this request was already answered");
  CountPresentation(terminal.status);
  webhooks_.Notify();
  common::LogInfo("oid4vp_presentation_finished",
                  {{"id", row.id}, {"status", terminal.status}, {"code", terminal.error_code}});
  if (verified || wallet_error) return WalletAnswer{};
  return Refused(description);
}

WalletAnswer Oid4vpService::DidDocument() const {
  auto list = keys_.List(kOid4vpKeyPurpose);
  if (!list) return OAuthError(500, "server_error", "the keys could not be read");
  return WalletAnswer{200, "application/did+json", keys::DidWebDocument(did_, *list, {})};
}

}  // namespace vc::verifier
