// The verifier over real HTTP on port 0, as a relying party runs it beside a
// Request Service: the embedded Request Service of RequestServiceFixture on one
// server, the verifier's routes (the OpenID4VP ones included) on another, a
// webhook receiver on a third. The
// manual clock drives expiry, retention and retries; callbacks and webhooks are
// delivered when a test calls Deliver() / DeliverWebhooks().
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/base/crypto.h"
#include "common/config/api_keys.h"
#include "common/http/outbox.h"
#include "common/jose/jws.h"
#include "credentials/holder.h"
#include "credentials/request_service_client.h"
#include "credentials/sd_jwt_vc_issuer.h"
#include "credentials/token_status_fetch.h"
#include "credentials/vc_jwt.h"
#include "request_service/fixture.h"
#include "verifier/oid4vp_routes.h"
#include "verifier/oid4vp_service.h"
#include "verifier/routes.h"
#include "verifier/service.h"

namespace vc::testing {

inline constexpr const char* kAppKey = "contoso-app-key";
inline constexpr const char* kOtherOrgKey = "fabrikam-app-key";
inline constexpr const char* kAdminKey = "admin-key";
inline constexpr const char* kWebhookSecret = "webhook-secret-0123456789";

inline std::string KeyHash(const std::string& key) {
  return "sha256:" + common::HexEncode(common::Sha256(key));
}

class VerifierFixture : public RequestServiceFixture {
 protected:
  static credentials::RequestServiceClientOptions ClientOptions(const std::string& base) {
    credentials::RequestServiceClientOptions o;
    o.base_url = base + "/v1.0";
    o.token_url = base + "/oauth2/v2.0/token";
    o.client_id = "app";
    o.client_secret = "app-secret";
    return o;
  }

  VerifierFixture()
      : api_keys_({{"contoso", "contoso", "app", KeyHash(kAppKey)},
                   {"fabrikam", "fabrikam", "app", KeyHash(kOtherOrgKey)},
                   {"admin", "", "admin", KeyHash(kAdminKey)}}),
        client_(ClientOptions(base_), http_, clock_, [](int64_t) {}),
        webhooks_(*db_, verifier::kWebhookTable, http_, clock_, ShortOutbox()),
        issuer_keys_(http_, resolver_, clock_),
        token_status_(http_, issuer_keys_, clock_) {
    verifier::RegisterVerifierRoutes(verifier_server_, service_ptr_, api_keys_, {true, "TEST"});
    verifier::RegisterOid4vpRoutes(verifier_server_, oid4vp_ptr_);
    verifier_server_.Start();
    vbase_ = verifier_server_.BaseUrl();
    verifier::VerifierOptions o{authority(),
                                vbase_ + "/api/verifier/callback",
                                "verifier-cb-secret",
                                3600,
                                {hooks_.url(), kWebhookSecret}};
    service_ = std::make_unique<verifier::VerifierService>(o, Policies(), *db_, client_, resolver_,
                                                           status_, domains_, clock_);
    service_ptr_ = service_.get();
    oid4vp_ = NewOid4vpService();
    service_->SetOpenId4Vp(oid4vp_.get());
    oid4vp_ptr_ = oid4vp_.get();
  }

  // The OpenID4VP part over the fixture's database and keys (a second one
  // stands for a restarted server).
  std::unique_ptr<verifier::Oid4vpService> NewOid4vpService() {
    verifier::Oid4vpOptions o;
    o.public_base_url = vbase_;
    return std::make_unique<verifier::Oid4vpService>(o, *db_, keys_, issuer_keys_, token_status_,
                                                     service_->webhooks(), clock_);
  }

  // Configured policies: "identity" (VerifiedIdentity from our authority, with a
  // receipt) and "any-issuer" (no acceptedIssuers, no receipt).
  std::vector<verifier::Policy> Policies() {
    common::VerifierConfig c;
    c.policies = {
        {"identity", common::ConfigNode::FromJson(
                         R"({"id":"identity","includeReceipt":true,"requestedCredentials":[)"
                         R"({"type":"VerifiedIdentity","acceptedIssuers":[")" +
                             authority() + R"("]}]})",
                         "verifier.policies[0]")},
        {"any-issuer", common::ConfigNode::FromJson(R"({"id":"any-issuer","requestedCredentials":)"
                                                    R"([{"type":"VerifiedIdentity"}]})",
                                                    "verifier.policies[1]")}};
    return verifier::LoadPolicies(c);
  }

  common::Result<common::HttpResponse> Api(const std::string& method, const std::string& path,
                                           const std::string& body = "",
                                           const std::string& key = kAppKey) {
    common::HttpRequest req;
    req.method = method;
    req.url = vbase_ + path;
    req.body = body;
    if (!key.empty()) req.headers.emplace_back("Authorization", std::string("Bearer ") + key);
    if (method == "POST") req.headers.emplace_back("Content-Type", "application/json");
    return http_.Send(req);
  }

  struct Started {
    std::string id, url;
  };
  // POST /api/verifier/presentation-requests {"policy": policy} that must succeed.
  Started Start(const std::string& policy) {
    auto r = Api("POST", "/api/verifier/presentation-requests", R"({"policy":)" + policy + "}");
    EXPECT_TRUE(r && r->status == 201) << (r ? r->body : r.error().message);
    if (!r || r->status != 201) return {};
    auto doc = common::ParseJsonObject(r->body);
    return {std::string(common::GetString(*doc, "id").value_or("")),
            std::string(common::GetString(*doc, "url").value_or(""))};
  }

  // GET of a request's result as a parsed document (status code in `status`).
  rapidjson::Document Result(const std::string& id, int* status = nullptr,
                             const std::string& key = kAppKey) {
    auto r = Api("GET", "/api/verifier/presentation-requests/" + id, "", key);
    if (status) *status = r ? r->status : 0;
    auto doc = common::ParseJsonObject(r ? r->body : "");
    return doc ? std::move(*doc) : rapidjson::Document();
  }
  std::string StatusOf(const std::string& id) {
    auto doc = Result(id);
    return doc.IsObject() ? std::string(common::GetString(doc, "status").value_or("")) : "";
  }
  std::string ErrorCodeOf(const std::string& id) {
    auto doc = Result(id);
    const auto* err = doc.IsObject() ? common::GetObject(doc, "error") : nullptr;
    return err ? std::string(common::GetString(*err, "code").value_or("")) : "";
  }

  // POSTs a callback body as the Request Service would.
  common::Result<common::HttpResponse> Callback(const std::string& body,
                                                const std::string& key = "verifier-cb-secret") {
    common::HttpHeaders h;
    if (!key.empty()) h.emplace_back("api-key", key);
    return common::PostJson(http_, vbase_ + "/api/verifier/callback", body, h);
  }

  // The callback.state the verifier gave the Request Service for request `id`.
  std::string StateOf(const std::string& id) {
    verifier::PresentationStore store(*db_);
    auto row = store.Find("id", id);
    return row && *row ? (*row)->state : "";
  }

  // Issues a VerifiedIdentity VC to holder_ through the Request Service.
  std::string IssueVc() {
    auto vc = wallet_.Accept(holder_, Create("Issuance", IssuanceBody()), "");
    EXPECT_TRUE(vc) << (vc ? "" : vc.error().message);
    return vc ? *vc : "";
  }

  // The request object behind a presentation link (payload JSON).
  rapidjson::Document RequestObject(const std::string& link) {
    auto r = common::Get(http_, *credentials::RequestUriFromLink(link));
    auto token = common::ParseCompact(r ? r->body : "", 65536);
    auto payload = token ? common::ParseJsonObject(token->payload)
                         : common::Result<rapidjson::Document>(common::Error{"", ""});
    return payload ? std::move(*payload) : rapidjson::Document();
  }

  // Answers a presentation link as a broken or dishonest wallet could: `vcs` as
  // given (no checks), under `descriptor`, with the request's nonce unless `nonce`.
  common::Result<common::HttpResponse> PresentRaw(const std::string& link,
                                                  const std::vector<std::string>& vcs,
                                                  const std::string& descriptor,
                                                  const std::string& nonce = "") {
    auto p = RequestObject(link);
    auto str = [&](const char* k) { return std::string(common::GetString(p, k).value_or("")); };
    credentials::PresentationAnswer a{
        str("client_id"),   nonce.empty() ? str("nonce") : nonce, "d", {descriptor}, vcs,
        clock_.NowSeconds()};
    return common::PostForm(http_, str("redirect_uri"),
                            {{"id_token", *credentials::MakeSiopIdToken(holder_, a)},
                             {"vp_token", *credentials::MakeVpJwt(holder_, a)},
                             {"state", str("state")}});
  }

  // A VerifiedIdentity VC signed by the Request Service's own key, with any
  // lifetime and status entry (what the service itself would not issue).
  std::string SignVc(int64_t iat, int64_t exp,
                     std::optional<credentials::StatusEntry> status = std::nullopt) {
    auto k = keys_.Active("request-service");
    credentials::Signer signer{k->key, k->alg, authority() + "#" + k->key.kid()};
    credentials::VcToIssue vc{
        authority(), holder_.did, {"VerifiedIdentity"},     {{"realName", "Megan Bowen"}},
        iat,         exp,         "urn:pic:signed-by-test", status};
    return *credentials::IssueVcJwt(vc, signer);
  }

  void DeliverWebhooks() { ASSERT_TRUE(webhooks_.DeliverDue().ok()); }

  common::ApiKeyVerifier api_keys_;
  credentials::RequestServiceClient client_;
  common::HttpOutbox webhooks_;
  CallbackReceiver hooks_;  // the application's webhook endpoint
  std::unique_ptr<verifier::VerifierService> service_;
  verifier::VerifierService* service_ptr_ = nullptr;
  credentials::SdJwtIssuerKeys issuer_keys_;
  credentials::TokenStatusFetcher token_status_;
  std::unique_ptr<verifier::Oid4vpService> oid4vp_;
  verifier::Oid4vpService* oid4vp_ptr_ = nullptr;
  std::string vbase_;
  common::HttpServer verifier_server_;  // last: stopped before anything its handlers use
};

}  // namespace vc::testing
