// The verifier's OpenID4VP part over real HTTP (VerifierFixture), an
// independent SD-JWT VC issuer on its own port (tests/support/sd_jwt_issuer.h)
// and a wallet: our Oid4vpWalletClient, or presentations built by hand where a
// test plays a broken or dishonest wallet.
#pragma once

#include <string>
#include <vector>

#include "credentials/oid4vp_client.h"
#include "support/sd_jwt_issuer.h"
#include "verifier/fixture.h"

namespace vc::testing {

class Oid4vpFixture : public VerifierFixture {
 protected:
  // An inline policy asking for an SD-JWT VC of kTestVct from `issuers` with `claims`.
  std::string SdJwtPolicy(const std::string& claims = R"(["realName","documentType"])",
                          std::string issuers = "") {
    if (issuers.empty()) issuers = R"([")" + issuer_.url() + R"("])";
    return R"({"id":"sd","requestedCredentials":[{"format":"dc+sd-jwt","id":"identity",)"
           R"("vct":[")" +
           std::string(kTestVct) + R"("],"claims":)" + claims + R"(,"acceptedIssuers":)" + issuers +
           "}]}";
  }

  // POST …/presentation-requests {"policy": policy, "protocol": "openid4vp"}: must succeed.
  Started StartOid4vp(const std::string& policy) {
    auto r = Api("POST", "/api/verifier/presentation-requests",
                 R"({"protocol":"openid4vp","policy":)" + policy + "}");
    EXPECT_TRUE(r && r->status == 201) << (r ? r->body : r.error().message);
    if (!r || r->status != 201) return {};
    auto doc = common::ParseJsonObject(r->body);
    return {std::string(common::GetString(*doc, "id").value_or("")),
            std::string(common::GetString(*doc, "url").value_or(""))};
  }

  // The request behind a link, verified as a wallet does.
  credentials::Oid4vpRequest Resolve(const std::string& link) {
    auto r = wallet4vp_.Resolve(link);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? *r : credentials::Oid4vpRequest{};
  }

  // A presentation of `credential` for the request's only query, as our wallet
  // makes it, for `request` as given (a test may alter its nonce or client_id).
  std::string Presentation(const std::string& credential, const credentials::Oid4vpRequest& request,
                           std::vector<std::vector<std::string>> claims = {}) {
    credentials::DcqlCredentialQuery q = request.queries.at(0);
    if (!claims.empty()) q.claims = std::move(claims);
    auto p = credentials::AnswerQuery(holder_, {credential}, q, request, clock_.NowSeconds());
    EXPECT_TRUE(p) << (p ? "" : p.error().message);
    return p ? *p : "";
  }

  // POSTs vp_token {"identity": [presentation]} with the request's state.
  common::Result<common::HttpResponse> Respond(const credentials::Oid4vpRequest& request,
                                               const std::string& presentation) {
    return common::PostForm(
        http_, request.response_uri,
        {{"vp_token", credentials::WriteVpToken({{"identity", {presentation}}})},
         {"state", request.state}});
  }

  // The OAuth "error" and "error_description" of a refusal.
  static std::pair<std::string, std::string> OAuthError(
      const common::Result<common::HttpResponse>& r) {
    auto doc = common::ParseJsonObject(r ? r->body : "");
    if (!doc) return {};
    return {std::string(common::GetString(*doc, "error").value_or("")),
            std::string(common::GetString(*doc, "error_description").value_or(""))};
  }

  // Issues, starts a request for SdJwtPolicy(), presents `credential` (or a fresh
  // one) with the request altered by `tamper`, and returns the verifier's answer.
  template <typename Tamper>
  common::Result<common::HttpResponse> PresentAltered(const std::string& credential, Tamper tamper,
                                                      std::string* id = nullptr) {
    auto started = StartOid4vp(SdJwtPolicy());
    if (id) *id = started.id;
    auto request = Resolve(started.url);
    credentials::Oid4vpRequest altered = request;
    tamper(altered);
    return Respond(request, Presentation(credential, altered));
  }

  SdJwtTestIssuer issuer_{clock_};
  credentials::Oid4vpWalletClient wallet4vp_{http_, clock_};
};

}  // namespace vc::testing
