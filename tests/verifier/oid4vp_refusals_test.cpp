// Every way an OpenID4VP response is refused: the wallet is answered 400
// invalid_request naming the reason, the request records presentation_error
// with its own code, and nothing is reported as verified.
#include <gtest/gtest.h>

#include "common/base/base64url.h"
#include "verifier/oid4vp_fixture.h"

namespace vc::testing {
namespace {

class Oid4vpRefusalTest : public Oid4vpFixture {
 protected:
  // The wallet was told invalid_request with `code` first, and the request ended with it.
  void ExpectRefused(const common::Result<common::HttpResponse>& r, const std::string& id,
                     const std::string& code) {
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->status, 400) << r->body;
    auto [error, description] = OAuthError(r);
    EXPECT_EQ(error, "invalid_request");
    EXPECT_EQ(description.rfind(code + ": ", 0), 0u) << description;
    EXPECT_EQ(StatusOf(id), "presentation_error");
    EXPECT_EQ(ErrorCodeOf(id), code);
  }
};

TEST_P(Oid4vpRefusalTest, WrongNonce) {
  std::string id;
  auto r = PresentAltered(
      issuer_.Issue(holder_), [](credentials::Oid4vpRequest& q) { q.nonce = "another-nonce"; },
      &id);
  ExpectRefused(r, id, "nonce_mismatch");
}

TEST_P(Oid4vpRefusalTest, KeyBindingForAnotherAudience) {
  std::string id;
  auto r = PresentAltered(
      issuer_.Issue(holder_),
      [](credentials::Oid4vpRequest& q) {
        q.client_id = "decentralized_identifier:did:web:rp.evil";
      },
      &id);
  ExpectRefused(r, id, "audience_mismatch");
}

TEST_P(Oid4vpRefusalTest, UndisclosedRequiredClaim) {
  auto started = StartOid4vp(SdJwtPolicy());  // realName and documentType
  auto request = Resolve(started.url);
  auto r = Respond(request, Presentation(issuer_.Issue(holder_), request, {{"realName"}}));
  ExpectRefused(r, started.id, "claim_not_disclosed");
}

TEST_P(Oid4vpRefusalTest, TamperedDisclosure) {
  auto started = StartOid4vp(SdJwtPolicy());
  auto request = Resolve(started.url);
  auto parts = *credentials::SplitSdJwt(issuer_.Issue(holder_));
  for (auto& d : parts.disclosures) {
    auto decoded = credentials::ParseDisclosure(d);
    if (decoded->name != "realName") continue;
    d = common::Base64UrlEncode(R"([")" + decoded->salt + R"(","realName","Mallory"])");
  }
  std::vector<std::string> chosen;
  for (const auto& d : parts.disclosures) {
    const auto name = credentials::ParseDisclosure(d)->name;
    if (name == "realName" || name == "documentType") chosen.push_back(d);
  }
  auto presented = credentials::PresentSdJwt(parts, chosen, holder_.key, holder_.alg,
                                             request.client_id, request.nonce, clock_.NowSeconds());
  ExpectRefused(Respond(request, *presented), started.id, "unreferenced_disclosure");
}

TEST_P(Oid4vpRefusalTest, IssuerNotAccepted) {
  auto started = StartOid4vp(SdJwtPolicy(R"(["realName"])", R"(["https://issuer.example"])"));
  auto request = Resolve(started.url);
  ExpectRefused(Respond(request, Presentation(issuer_.Issue(holder_), request)), started.id,
                "issuer_not_accepted");
  EXPECT_EQ(issuer_.metadata_fetches(), 0);  // nothing fetched for an issuer not accepted
}

TEST_P(Oid4vpRefusalTest, Revoked) {
  SdJwtTestIssuer::Options o;
  o.status_idx = 17;
  const std::string credential = issuer_.Issue(holder_, o);
  issuer_.SetStatus(17, credentials::kStatusInvalid);
  std::string id;
  ExpectRefused(PresentAltered(
                    credential, [](auto&) {}, &id),
                id, "revoked");
  EXPECT_EQ(issuer_.status_fetches(), 1);
}

TEST_P(Oid4vpRefusalTest, Suspended) {
  SdJwtTestIssuer::Options o;
  o.status_idx = 3;
  const std::string credential = issuer_.Issue(holder_, o);
  issuer_.SetStatus(3, credentials::kStatusSuspended);
  std::string id;
  ExpectRefused(PresentAltered(
                    credential, [](auto&) {}, &id),
                id, "suspended");
}

TEST_P(Oid4vpRefusalTest, ValidStatusIsAccepted) {
  SdJwtTestIssuer::Options o;
  o.status_idx = 4;
  const std::string credential = issuer_.Issue(holder_, o);
  issuer_.SetStatus(5, credentials::kStatusInvalid);  // a neighbour
  auto r = PresentAltered(credential, [](auto&) {});
  ASSERT_TRUE(r && r->status == 200) << (r ? r->body : "");
}

TEST_P(Oid4vpRefusalTest, Expired) {
  SdJwtTestIssuer::Options o;
  o.lifetime_seconds = 100;
  const std::string credential = issuer_.Issue(holder_, o);
  clock_.Advance(200);  // past exp and its 60 s of skew
  std::string id;
  ExpectRefused(PresentAltered(
                    credential, [](auto&) {}, &id),
                id, "expired");
}

TEST_P(Oid4vpRefusalTest, ReplayedResponse) {
  auto started = StartOid4vp(SdJwtPolicy());
  auto request = Resolve(started.url);
  const std::string presented = Presentation(issuer_.Issue(holder_), request);
  auto first = Respond(request, presented);
  ASSERT_TRUE(first && first->status == 200) << (first ? first->body : "");
  auto again = Respond(request, presented);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 400);
  EXPECT_EQ(OAuthError(again).second, "this request was already answered");
  EXPECT_EQ(StatusOf(started.id), "presentation_verified");
  DeliverWebhooks();
  EXPECT_EQ(hooks_.received().size(), 1u);
}

TEST_P(Oid4vpRefusalTest, PresentationReplayedToAnotherRequest) {
  auto first = StartOid4vp(SdJwtPolicy());
  auto request = Resolve(first.url);
  const std::string presented = Presentation(issuer_.Issue(holder_), request);
  ASSERT_EQ(Respond(request, presented)->status, 200);
  auto second = StartOid4vp(SdJwtPolicy());
  auto other = Resolve(second.url);
  ExpectRefused(Respond(other, presented), second.id, "nonce_mismatch");
}

TEST_P(Oid4vpRefusalTest, StaleKeyBinding) {
  auto started = StartOid4vp(SdJwtPolicy());
  auto request = Resolve(started.url);
  const std::string credential = issuer_.Issue(holder_);
  clock_.Advance(-400);  // the wallet's clock is slow: its KB-JWT is too old
  const std::string presented = Presentation(credential, request);
  clock_.Advance(400);
  ExpectRefused(Respond(request, presented), started.id, "key_binding_stale");
}

TEST_P(Oid4vpRefusalTest, NoKeyBinding) {
  auto started = StartOid4vp(SdJwtPolicy());
  auto request = Resolve(started.url);
  const std::string presented = Presentation(issuer_.Issue(holder_), request);
  const std::string without_kb = presented.substr(0, presented.rfind('~') + 1);
  ExpectRefused(Respond(request, without_kb), started.id, "key_binding_required");
}

TEST_P(Oid4vpRefusalTest, KeyBindingByAnotherKey) {
  auto started = StartOid4vp(SdJwtPolicy());
  auto request = Resolve(started.url);
  const std::string credential = issuer_.Issue(holder_);
  holder_ = credentials::Holder::FromKey(common::Jwk::Generate(common::JwsAlg::kES256));
  ExpectRefused(Respond(request, Presentation(credential, request)), started.id,
                "invalid_key_binding");
}

TEST_P(Oid4vpRefusalTest, TypeNotAccepted) {
  SdJwtTestIssuer::Options o;
  o.vct = "https://credentials.example/other";
  auto started = StartOid4vp(SdJwtPolicy());
  auto request = Resolve(started.url);
  credentials::DcqlCredentialQuery q = request.queries[0];
  q.vct_values.clear();  // a wallet that ignores vct_values
  auto p = credentials::AnswerQuery(holder_, {issuer_.Issue(holder_, o)}, q, request,
                                    clock_.NowSeconds());
  ExpectRefused(Respond(request, *p), started.id, "type_mismatch");
}

TEST_P(Oid4vpRefusalTest, WrongTyp) {
  SdJwtTestIssuer::Options o;
  o.typ = "JWT";
  std::string id;
  ExpectRefused(PresentAltered(
                    issuer_.Issue(holder_, o), [](auto&) {}, &id),
                id, "wrong_type");
}

TEST_P(Oid4vpRefusalTest, SignedByAnotherKey) {
  SdJwtTestIssuer impostor(clock_);
  auto parts = *credentials::SplitSdJwt(impostor.Issue(holder_));
  // Claims our accepted issuer and its key: the signature is the impostor's.
  auto token = common::ParseCompact(parts.issuer_jwt, 65536).value();
  auto swap = [](std::string text, const std::string& from, const std::string& to) {
    return text.replace(text.find(from), from.size(), to);
  };
  const std::string header =
      swap(token.header_json, impostor.key().Thumbprint(), issuer_.key().Thumbprint());
  const std::string payload = swap(token.payload, impostor.url(), issuer_.url());
  std::string forged = common::Base64UrlEncode(header) + "." + common::Base64UrlEncode(payload) +
                       "." + common::Base64UrlEncode(token.signature) + "~";
  for (const auto& d : parts.disclosures) forged += d + "~";
  std::string id;
  ExpectRefused(PresentAltered(
                    forged, [](auto&) {}, &id),
                id, "invalid_signature");
}

TEST_P(Oid4vpRefusalTest, MissingCredential) {
  auto started = StartOid4vp(SdJwtPolicy());
  auto request = Resolve(started.url);
  auto r =
      common::PostForm(http_, request.response_uri,
                       {{"vp_token", R"({"something_else":["x~"]})"}, {"state", request.state}});
  ExpectRefused(r, started.id, "credential_missing");
}

TEST_P(Oid4vpRefusalTest, MalformedVpToken) {
  auto started = StartOid4vp(SdJwtPolicy());
  auto request = Resolve(started.url);
  auto r = common::PostForm(http_, request.response_uri,
                            {{"vp_token", "[1,2]"}, {"state", request.state}});
  ExpectRefused(r, started.id, "malformed_response");
}

VC_INSTANTIATE_BACKENDS(Oid4vpRefusalTest);

}  // namespace
}  // namespace vc::testing
