// Every refusal of the OpenID4VCI endpoints, each with the spec's error code:
// tx_code attempts, code replay, nonce replay, foreign proofs, expiry, and
// the malformed requests.
#include "issuer/oid4vci_service.h"
#include "tests/issuer/oid4vci_fixture.h"

namespace vc::testing {
namespace {

TEST_P(Oid4vciTest, WrongTxCodeThenRightOneWorks) {
  issuer::Offer o = MakeOffer();
  const std::string wrong = o.tx_code == "000000" ? "111111" : "000000";
  auto r = Token(o, wrong);
  ASSERT_FALSE(r);
  EXPECT_EQ(issuer::Code(r.error().reason), "invalid_grant");
  EXPECT_EQ(r.error().message, "the tx_code is wrong");
  EXPECT_TRUE(Token(o, o.tx_code)) << "a wrong tx_code must not consume the code";
}

TEST_P(Oid4vciTest, FiveWrongTxCodesKillTheOffer) {
  issuer::Offer o = MakeOffer();
  const std::string wrong = o.tx_code == "000000" ? "111111" : "000000";
  for (int i = 0; i < 4; ++i) EXPECT_EQ(Token(o, wrong).error().message, "the tx_code is wrong");
  auto fifth = Token(o, wrong);
  EXPECT_EQ(ReasonOf(fifth), "invalid_grant");
  EXPECT_NE(fifth.error().message.find("too many wrong"), std::string::npos);
  // The sixth attempt, wrong or right, finds a dead offer.
  EXPECT_NE(Token(o, wrong).error().message.find("too many wrong"), std::string::npos);
  EXPECT_NE(Token(o, o.tx_code).error().message.find("too many wrong"), std::string::npos);
  auto stored = store_->GetOffer(o.id);
  EXPECT_EQ((*stored)->status, issuer::OfferStatus::kFailed);
  EXPECT_EQ((*stored)->tx_failures, 5);
  EXPECT_NE(service_->StatusJson(**stored).find(R"("status":"failed")"), std::string::npos);
  EXPECT_EQ(ReasonOf(service_->CredentialOffer(o.id)), "offer_not_found");
  auto audit = issuer::AuditLog(*db_, clock_).List(0, 10);
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ(audit->at(0).outcome, "failed");
  EXPECT_EQ(audit->at(0).detail, "tx_code_attempts");
}

TEST_P(Oid4vciTest, TxCodeMissingOrUnexpectedIsInvalidRequestAndNotCounted) {
  issuer::Offer o = MakeOffer();
  for (int i = 0; i < 6; ++i) EXPECT_EQ(ReasonOf(Token(o, "")), "invalid_request");
  EXPECT_TRUE(Token(o, o.tx_code));
  issuer::Oid4vciOptions no_tx;
  no_tx.credential_issuer = kIssuer;
  no_tx.tx_code_length = 0;
  issuer::Oid4vciService plain(no_tx, contracts_, *store_, *keys_, clock_);
  auto offer = plain.CreateOffer({"", "contoso", "bob"}, Pid(), {{"realName", "Bob"}});
  ASSERT_TRUE(offer);
  EXPECT_EQ(offer->tx_code, "");
  common::NameValueList form = {{"grant_type", issuer::kPreAuthorizedGrant},
                                {"pre-authorized_code", offer->pre_authorized_code},
                                {"tx_code", "123456"}};
  EXPECT_EQ(ReasonOf(plain.Token(common::QueryParams(form), "")), "invalid_request");
  form.pop_back();
  EXPECT_TRUE(plain.Token(common::QueryParams(form), ""));
}

TEST_P(Oid4vciTest, PreAuthorizedCodeIsSingleUse) {
  issuer::Offer o = MakeOffer();
  EXPECT_TRUE(Token(o, o.tx_code));
  auto replay = Token(o, o.tx_code);
  EXPECT_EQ(ReasonOf(replay), "invalid_grant");
  EXPECT_EQ(replay.error().message, "the pre-authorized code was already used");
}

TEST_P(Oid4vciTest, ExpiredOfferIsRefusedEverywhere) {
  issuer::Offer o = MakeOffer();
  clock_.Advance(601);
  auto r = Token(o, o.tx_code);
  EXPECT_EQ(ReasonOf(r), "invalid_grant");
  EXPECT_EQ(r.error().message, "the pre-authorized code has expired");
  EXPECT_EQ(ReasonOf(service_->CredentialOffer(o.id)), "offer_not_found");
  EXPECT_NE(service_->StatusJson(o).find(R"("status":"expired")"), std::string::npos);
  // A token that ran out before its credential was fetched.
  issuer::Offer late = MakeOffer();
  const std::string token = AccessToken(late);
  clock_.Advance(301);
  EXPECT_EQ(ReasonOf(Credential(token, Request(Proof(Nonce(), holder_, holder_)))),
            "invalid_token");
}

TEST_P(Oid4vciTest, TokenRequestRefusals) {
  issuer::Offer o = MakeOffer();
  const auto token = [&](common::NameValueList form) {
    return ReasonOf(service_->Token(common::QueryParams(form), ""));
  };
  EXPECT_EQ(token({{"grant_type", "authorization_code"}, {"code", "x"}}), "unsupported_grant_type");
  EXPECT_EQ(token({{"pre-authorized_code", o.pre_authorized_code}}), "invalid_request");
  EXPECT_EQ(token({{"grant_type", issuer::kPreAuthorizedGrant}}), "invalid_request");
  EXPECT_EQ(token({{"grant_type", issuer::kPreAuthorizedGrant},
                   {"pre-authorized_code", "nope"},
                   {"tx_code", "1"}}),
            "invalid_grant");
  EXPECT_EQ(token({{"grant_type", issuer::kPreAuthorizedGrant},
                   {"grant_type", issuer::kPreAuthorizedGrant},
                   {"pre-authorized_code", o.pre_authorized_code}}),
            "invalid_request");
  EXPECT_EQ(token({{"grant_type", issuer::kPreAuthorizedGrant},
                   {"pre-authorized_code", o.pre_authorized_code},
                   {"tx_code", o.tx_code},
                   {"resource", "https://other.example"}}),
            "invalid_request");
}

TEST_P(Oid4vciTest, NonceIsSingleUse) {
  const std::string nonce = Nonce();
  issuer::Offer first = MakeOffer();
  ASSERT_TRUE(Credential(AccessToken(first), Request(Proof(nonce, holder_, holder_))));
  issuer::Offer second = MakeOffer("bob");
  const std::string token = AccessToken(second);
  auto replay = Credential(token, Request(Proof(nonce, holder_, holder_)));
  EXPECT_EQ(ReasonOf(replay), "invalid_nonce");
  EXPECT_EQ(ReasonOf(Credential(token, Request(Proof("made-up", holder_, holder_)))),
            "invalid_nonce");
  EXPECT_EQ(ReasonOf(Credential(token, Request(Proof("", holder_, holder_)))), "invalid_nonce");
  const std::string stale = Nonce();
  clock_.Advance(301);
  EXPECT_EQ(ReasonOf(Credential(token, Request(Proof(stale, holder_, holder_)))),
            "invalid_token");  // the token (300 s) ran out too
  // The refusals spent nothing: the token still works with a fresh nonce.
  issuer::Offer third = MakeOffer("carol");
  const std::string t3 = AccessToken(third);
  const std::string n3 = Nonce();
  EXPECT_TRUE(Credential(t3, Request(Proof(n3, holder_, holder_))));
}

TEST_P(Oid4vciTest, ProofRefusals) {
  issuer::Offer o = MakeOffer();
  const std::string token = AccessToken(o);
  const common::Jwk other = common::Jwk::Generate(common::JwsAlg::kES256);
  const auto reason = [&](const std::string& proof) {
    auto r = Credential(token, Request(proof));
    return r ? "ok" : std::string(issuer::Code(r.error().reason)) + ": " + r.error().message;
  };
  EXPECT_EQ(reason(Proof(Nonce(), other, holder_)).rfind("invalid_proof", 0), 0u);
  EXPECT_EQ(reason(Proof(Nonce(), other, holder_, false)).rfind("invalid_proof", 0), 0u);
  EXPECT_EQ(reason(Proof(Nonce(), holder_, holder_, true, "https://other.example"))
                .rfind("invalid_proof: the proof aud", 0),
            0u);
  EXPECT_EQ(reason(Proof(Nonce(), holder_, holder_, true, kIssuer, clock_.NowSeconds() - 3600))
                .rfind("invalid_proof: the proof iat is too old", 0),
            0u);
  EXPECT_EQ(reason(Proof(Nonce(), holder_, holder_, true, kIssuer, 0, "JWT"))
                .rfind("invalid_proof: the proof typ", 0),
            0u);
  // A header naming the key twice (jwk and kid).
  common::JwsHeader both{"openid4vci-proof+jwt", keys::DidJwkFromKey(holder_) + "#0",
                         holder_.PublicOnly().ToPublicJson()};
  auto jws =
      common::SignCompact(holder_, common::JwsAlg::kES256,
                          R"({"aud":"https://idv.example","iat":1700000000,"nonce":"n"})", both);
  EXPECT_EQ(reason(*jws).rfind("invalid_proof", 0), 0u);
  // A private key in the header.
  common::JwsHeader priv{"openid4vci-proof+jwt", "", holder_.ToPrivateJson()};
  jws = common::SignCompact(holder_, common::JwsAlg::kES256,
                            R"({"aud":"https://idv.example","iat":1700000000,"nonce":"n"})", priv);
  EXPECT_EQ(reason(*jws).rfind("invalid_proof", 0), 0u);
  // None of these spent the token.
  EXPECT_EQ(reason(Proof(Nonce(), holder_, holder_)), "ok");
}

TEST_P(Oid4vciTest, CredentialRequestRefusals) {
  issuer::Offer o = MakeOffer();
  const std::string token = AccessToken(o);
  const std::string proof = Proof(Nonce(), holder_, holder_);
  EXPECT_EQ(ReasonOf(service_->Credential("", Request(proof), "")), "invalid_token");
  EXPECT_EQ(ReasonOf(service_->Credential("Basic abc", Request(proof), "")), "invalid_token");
  EXPECT_EQ(ReasonOf(Credential("unknown-token", Request(proof))), "invalid_token");
  EXPECT_EQ(ReasonOf(Credential(token, "not json")), "invalid_credential_request");
  EXPECT_EQ(ReasonOf(Credential(token, Request(proof, "Unknown"))),
            "unknown_credential_configuration");
  EXPECT_EQ(ReasonOf(Credential(token, R"({"format":"mso_mdoc","proofs":{"jwt":["x"]}})")),
            "unsupported_credential_format");
  EXPECT_EQ(ReasonOf(Credential(token, R"({"format":"dc+sd-jwt","proofs":{"jwt":["x"]}})")),
            "invalid_credential_request");
  EXPECT_EQ(ReasonOf(Credential(token, R"({"credential_configuration_id":"Pid"})")),
            "invalid_proof");
  EXPECT_EQ(ReasonOf(Credential(token, R"({"credential_configuration_id":"Pid",
                                           "proofs":{"attestation":["x"]}})")),
            "invalid_proof");
  EXPECT_EQ(ReasonOf(Credential(token, R"({"credential_configuration_id":"Pid",
                                           "proofs":{"jwt":[")" +
                                           proof + R"(",")" + proof + R"("]}})")),
            "invalid_credential_request");
  EXPECT_EQ(ReasonOf(Credential(token, R"({"credential_configuration_id":"Pid",
                                           "proof":{"proof_type":"jwt","jwt":"x"}})")),
            "invalid_credential_request");
  // Then it works, once: the token is spent afterwards.
  ASSERT_TRUE(Credential(token, Request(proof)));
  EXPECT_EQ(ReasonOf(Credential(token, Request(Proof(Nonce(), holder_, holder_)))),
            "invalid_token");
}

TEST_P(Oid4vciTest, OffersNeedAnSdJwtContractAndTheRequiredClaims) {
  auto entra = service_->CreateOffer({"", "contoso", "a"}, contracts_.at(1), {{"realName", "A"}});
  ASSERT_FALSE(entra);
  EXPECT_EQ(entra.error().reason, issuer::ProofingError::kIssuanceNotConfigured);
  auto missing = service_->CreateOffer({"", "contoso", "a"}, Pid(), {{"idCardType", "PASSPORT"}});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().reason, issuer::ProofingError::kMissingClaim);
}

TEST_P(Oid4vciTest, ErrorResponsesUseTheSpecShape) {
  auto resp = issuer::ErrorResponse({issuer::Oid4vciError::kInvalidToken, "no"});
  EXPECT_EQ(resp.status, 401);
  EXPECT_EQ(resp.body, R"({"error":"invalid_token","error_description":"no"})");
  bool challenge = false;
  for (const auto& [k, v] : resp.headers) challenge |= k == "WWW-Authenticate";
  EXPECT_TRUE(challenge);
  EXPECT_EQ(issuer::ErrorResponse({issuer::Oid4vciError::kInvalidGrant, "x"}).status, 400);
  EXPECT_EQ(issuer::ErrorResponse({issuer::Oid4vciError::kOfferNotFound, "x"}).status, 404);
  EXPECT_EQ(issuer::ErrorResponse({issuer::Oid4vciError::kServerError, "x"}).status, 500);
}

}  // namespace
}  // namespace vc::testing
