#include "credentials/presentation.h"

#include <gtest/gtest.h>

#include "common/base/base64url.h"
#include "common/base/clock.h"
#include "credentials/holder.h"
#include "credentials/verify_error.h"
#include "keys/did.h"

namespace vc::credentials {
namespace {

constexpr const char* kIssuer = "did:web:issuer.example";
constexpr const char* kVerifier = "did:web:verifier.example";
constexpr int64_t kNow = 1'700'000'000;

class NoNetwork final : public common::HttpClient {
 public:
  int calls = 0;  // fetches attempted (did:web documents)
  common::Result<common::HttpResponse> Send(const common::HttpRequest&) override {
    ++calls;
    return common::Error{"connect_failed", "no network in this test"};
  }
};

class FixedStatus final : public StatusChecker {
 public:
  bool revoked = false;
  bool fail = false;
  common::Result<bool> IsRevoked(const std::string&, const StatusEntry&) override {
    if (fail) return common::Error{"status_unavailable", "down"};
    return revoked;
  }
};

class FixedDomains final : public LinkedDomainChecker {
 public:
  bool ok = true;
  common::Result<std::string> Verify(const std::string&) override {
    if (!ok) return common::Error{"linked_domain_unverified", "no"};
    return std::string("https://issuer.example/");
  }
};

class PresentationTest : public ::testing::Test {
 protected:
  static Signer NewIssuer() {
    auto key = common::Jwk::Generate(common::JwsAlg::kES256);
    key = key.WithKid(key.Thumbprint());
    return Signer{key, common::JwsAlg::kES256, std::string(kIssuer) + "#" + key.kid()};
  }

  PresentationTest()
      : clock_(kNow),
        resolver_(net_, clock_),
        issuer_(NewIssuer()),
        holder_(Holder::FromKey(common::Jwk::Generate(common::JwsAlg::kES256))) {
    const std::vector<keys::StoredKey> keys{{issuer_.key, common::JwsAlg::kES256, "issuer", true}};
    doc_ = keys::DidWebDocument(kIssuer, keys, {"https://issuer.example/"});
    resolver_.AddLocal(kIssuer, [this] { return doc_; });
    want_.type = "VerifiedIdentity";
    want_.accepted_issuers = {kIssuer};
  }

  std::string Vc(const std::string& subject, int64_t exp = kNow + 3600) {
    VcToIssue vc{kIssuer,
                 subject,
                 {"VerifiedIdentity"},
                 {{"realName", "Megan Bowen"}},
                 kNow - 10,
                 exp,
                 "urn:pic:1",
                 StatusEntry{"https://issuer.example/status/1", 7}};
    return IssueVcJwt(vc, issuer_).value();
  }

  PresentationResponse Answer(const std::vector<std::string>& vcs, const Holder& vp_holder,
                              std::string aud = kVerifier, std::string nonce = "n-1") {
    PresentationAnswer a{aud, nonce, "def", {"VerifiedIdentity"}, vcs, kNow};
    return {MakeSiopIdToken(holder_, a).value(), MakeVpJwt(vp_holder, a).value()};
  }

  common::Result<VerifiedPresentation> Validate(const PresentationResponse& r) {
    PresentationPolicy p{kVerifier, "n-1", {want_}, kNow, 60};
    return ValidatePresentation(r, p, resolver_, status_, domains_);
  }

  std::string Code(const common::Result<VerifiedPresentation>& r) {
    return r ? "ok" : r.error().code;
  }

  NoNetwork net_;
  common::ManualClock clock_;
  DidResolver resolver_;
  Signer issuer_;
  std::string doc_;
  Holder holder_;
  RequestedCredential want_;
  FixedStatus status_;
  FixedDomains domains_;
};

TEST_F(PresentationTest, AcceptsAValidPresentation) {
  auto r = Validate(Answer({Vc(holder_.did)}, holder_));
  ASSERT_TRUE(r) << r.error().code << ": " << r.error().message;
  EXPECT_EQ(r->subject, holder_.did);
  ASSERT_EQ(r->credentials.size(), 1u);
  EXPECT_EQ(r->credentials[0].vc.claims[0].second, "Megan Bowen");
  EXPECT_FALSE(r->credentials[0].revoked);
}

TEST_F(PresentationTest, WrongAudience) {
  EXPECT_EQ(Code(Validate(Answer({Vc(holder_.did)}, holder_, "did:web:other.example"))),
            "audience_mismatch");
}

TEST_F(PresentationTest, WrongNonce) {
  EXPECT_EQ(Code(Validate(Answer({Vc(holder_.did)}, holder_, kVerifier, "n-2"))), "nonce_mismatch");
}

TEST_F(PresentationTest, VpIssuerNotTheVcSubject) {
  auto other = Holder::FromKey(common::Jwk::Generate(common::JwsAlg::kES256));
  EXPECT_EQ(Code(Validate(Answer({Vc(other.did)}, holder_))), "holder_binding_failed");
  // A VP signed by someone else than the id_token subject.
  EXPECT_EQ(Code(Validate(Answer({Vc(other.did)}, other))), "holder_binding_failed");
}

TEST_F(PresentationTest, IssuerNotAccepted) {
  want_.accepted_issuers = {"did:web:someone-else.example"};
  EXPECT_EQ(Code(Validate(Answer({Vc(holder_.did)}, holder_))), "issuer_not_accepted");
}

TEST_F(PresentationTest, TypeNotPresented) {
  want_.type = "Diploma";
  EXPECT_EQ(Code(Validate(Answer({Vc(holder_.did)}, holder_))), "type_mismatch");
}

TEST_F(PresentationTest, Constraints) {
  want_.constraints = {{"realName", {}, std::string("BOWEN"), std::nullopt}};
  EXPECT_EQ(Code(Validate(Answer({Vc(holder_.did)}, holder_))), "ok");
  want_.constraints = {{"realName", {"megan bowen", "x"}, std::nullopt, std::nullopt}};
  EXPECT_EQ(Code(Validate(Answer({Vc(holder_.did)}, holder_))), "ok");
  want_.constraints = {{"realName", {}, std::nullopt, std::string("bowen")}};
  EXPECT_EQ(Code(Validate(Answer({Vc(holder_.did)}, holder_))), "constraint_failed");
}

TEST_F(PresentationTest, RevokedFailsUnlessAllowed) {
  status_.revoked = true;
  EXPECT_EQ(Code(Validate(Answer({Vc(holder_.did)}, holder_))), "revoked");
  want_.allow_revoked = true;
  auto r = Validate(Answer({Vc(holder_.did)}, holder_));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->credentials[0].revoked);
}

TEST_F(PresentationTest, StatusUnavailable) {
  status_.fail = true;
  EXPECT_EQ(Code(Validate(Answer({Vc(holder_.did)}, holder_))), "status_unavailable");
}

TEST_F(PresentationTest, LinkedDomain) {
  want_.validate_linked_domain = true;
  auto r = Validate(Answer({Vc(holder_.did)}, holder_));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->credentials[0].domain, "https://issuer.example/");
  domains_.ok = false;
  EXPECT_EQ(Code(Validate(Answer({Vc(holder_.did)}, holder_))), "linked_domain_unverified");
}

TEST_F(PresentationTest, TamperedVc) {
  std::string vc = Vc(holder_.did);
  const size_t dot = vc.find('.');
  auto payload = common::Base64UrlDecode(vc.substr(dot + 1, vc.rfind('.') - dot - 1)).value();
  payload.replace(payload.find("Megan"), 5, "Mallo");
  vc = vc.substr(0, dot + 1) + common::Base64UrlEncode(payload) + vc.substr(vc.rfind('.'));
  EXPECT_EQ(Code(Validate(Answer({vc}, holder_))), "invalid_signature");
}

TEST_F(PresentationTest, ExpiredVc) {
  EXPECT_EQ(Code(Validate(Answer({Vc(holder_.did, kNow - 3600)}, holder_))), "expired");
}

TEST_F(PresentationTest, UnknownIssuerKey) {
  auto other = common::Jwk::Generate(common::JwsAlg::kES256);
  issuer_ = Signer{other, common::JwsAlg::kES256, std::string(kIssuer) + "#nope"};
  EXPECT_EQ(Code(Validate(Answer({Vc(holder_.did)}, holder_))), "unknown_key");
}

TEST_F(PresentationTest, IdTokenNotSelfIssued) {
  auto r = Answer({Vc(holder_.did)}, holder_);
  r.id_token = r.vp_token;                        // a VP is signed by the holder but has iss = DID
  EXPECT_EQ(Code(Validate(r)), "missing_claim");  // no sub
}

TEST_F(PresentationTest, VpTokenAsJsonArray) {
  auto r = Answer({Vc(holder_.did)}, holder_);
  r.vp_token = "[\"" + r.vp_token + "\"]";
  EXPECT_EQ(Code(Validate(r)), "ok");
}

TEST_F(PresentationTest, MalformedToken) {
  auto r = Answer({Vc(holder_.did)}, holder_);
  r.vp_token = "not-a-jws";
  EXPECT_EQ(Code(Validate(r)), "malformed_token");
}

TEST_F(PresentationTest, UnresolvableIssuerDid) {
  want_.accepted_issuers.push_back("did:web:unknown.example");
  issuer_.kid = "did:web:unknown.example#k";
  VcToIssue vc{"did:web:unknown.example",
               holder_.did,
               {"VerifiedIdentity"},
               {},
               kNow,
               kNow + 60,
               "j",
               std::nullopt};
  EXPECT_EQ(Code(Validate(Answer({IssueVcJwt(vc, issuer_).value()}, holder_))), "unresolvable_did");
  EXPECT_EQ(net_.calls, 1);
}

// The sender chooses the DIDs: one the request does not accept is never resolved.
TEST_F(PresentationTest, AnIssuerTheRequestDoesNotAcceptIsNeverResolved) {
  issuer_.kid = "did:web:127.0.0.1%3A8080:latest:meta-data:iam#k";
  VcToIssue vc{"did:web:127.0.0.1%3A8080:latest:meta-data:iam",
               holder_.did,
               {"VerifiedIdentity"},
               {},
               kNow,
               kNow + 60,
               "j",
               std::nullopt};
  EXPECT_EQ(Code(Validate(Answer({IssueVcJwt(vc, issuer_).value()}, holder_))),
            "issuer_not_accepted");
  EXPECT_EQ(net_.calls, 0);
}

// A response that is not bound to the request resolves nothing it names.
TEST_F(PresentationTest, AnUnboundResponseResolvesNoHolderDid) {
  Holder web = Holder::FromKey(common::Jwk::Generate(common::JwsAlg::kES256));
  web.did = "did:web:127.0.0.1%3A8080:latest:meta-data:iam";
  web.kid = web.did + "#k";
  const Holder saved = holder_;
  holder_ = web;
  EXPECT_EQ(Code(Validate(Answer({}, web, kVerifier, "another-nonce"))), "nonce_mismatch");
  EXPECT_EQ(Code(Validate(Answer({}, web, "did:web:elsewhere.example"))), "audience_mismatch");
  EXPECT_EQ(net_.calls, 0);
  // Bound, it is resolved (and fails here: no network).
  EXPECT_EQ(Code(Validate(Answer({}, web))), "unresolvable_did");
  EXPECT_EQ(net_.calls, 1);
  holder_ = saved;
}

TEST_F(PresentationTest, KidNotOfTheIssuer) {
  VcToIssue vc{"did:web:other.example",
               holder_.did,
               {"VerifiedIdentity"},
               {},
               kNow,
               kNow + 60,
               "j",
               std::nullopt};
  EXPECT_EQ(Code(Validate(Answer({IssueVcJwt(vc, issuer_).value()}, holder_))), "kid_not_issuer");
}

TEST_F(PresentationTest, AlgorithmNotAllowed) {
  // PS256 is a JOSE algorithm we implement but not one credentials may use.
  auto rsa = common::Jwk::Generate(common::JwsAlg::kPS256);
  Holder ps = Holder::FromKey(rsa, common::JwsAlg::kPS256);
  PresentationAnswer a{kVerifier, "n-1", "def", {"VerifiedIdentity"}, {Vc(ps.did)}, kNow};
  EXPECT_EQ(Code(Validate({MakeSiopIdToken(ps, a).value(), MakeVpJwt(ps, a).value()})),
            "alg_not_allowed");
}

TEST_F(PresentationTest, VcNotYetValid) {
  VcToIssue vc{kIssuer,     holder_.did, {"VerifiedIdentity"}, {}, kNow + 3600,
               kNow + 7200, "j",         std::nullopt};
  EXPECT_EQ(Code(Validate(Answer({IssueVcJwt(vc, issuer_).value()}, holder_))), "not_yet_valid");
}

TEST_F(PresentationTest, IdTokenFromAnotherIssuer) {
  auto r = Answer({Vc(holder_.did)}, holder_);
  const std::string payload =
      R"({"iss":"https://evil.example","sub":")" + holder_.did +
      R"(","aud":"did:web:verifier.example","nonce":"n-1","_vp_token":{"presentation_submission":{}}})";
  r.id_token =
      common::SignCompact(holder_.key, holder_.alg, payload, {"JWT", holder_.kid, ""}).value();
  EXPECT_EQ(Code(Validate(r)), "bad_id_token_issuer");
}

TEST_F(PresentationTest, MissingPresentationSubmission) {
  auto r = Answer({Vc(holder_.did)}, holder_);
  const std::string payload = R"({"iss":"https://self-issued.me/v2/openid-vc","sub":")" +
                              holder_.did + R"(","aud":"did:web:verifier.example","nonce":"n-1"})";
  r.id_token =
      common::SignCompact(holder_.key, holder_.alg, payload, {"JWT", holder_.kid, ""}).value();
  EXPECT_EQ(Code(Validate(r)), "missing_presentation_submission");
}

TEST(VerifyErrorTest, EveryValueHasAStableCode) {
  EXPECT_EQ(Code(VerifyError::kMalformedToken), "malformed_token");
  EXPECT_EQ(Code(VerifyError::kLinkedDomainUnverified), "linked_domain_unverified");
  EXPECT_EQ(Code(VerifyError::kHolderBinding), "holder_binding_failed");
}

TEST(IsoTimeTest, RoundTrips) {
  EXPECT_EQ(IsoTime(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(ParseIsoTime("2024-12-31T23:59:59.000Z"), 1735689599);
  EXPECT_FALSE(ParseIsoTime("2024-12-31T23:59:59+01:00"));
}

}  // namespace
}  // namespace vc::credentials
