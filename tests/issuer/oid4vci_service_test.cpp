// The OpenID4VCI issuer without HTTP: metadata, the offer, token, nonce and
// credential steps of a pre-authorized code flow, the SD-JWT VC it issues and
// the Token Status List it points to.
#include "issuer/oid4vci_service.h"

#include <set>

#include "credentials/sd_jwt.h"
#include "credentials/token_status_list.h"
#include "tests/issuer/oid4vci_fixture.h"

namespace vc::testing {
namespace {

common::Jwk IssuerKey(const issuer::Oid4vciService& s, const std::string& kid) {
  auto md = common::ParseJsonObject(s.JwtVcIssuerMetadata());
  EXPECT_TRUE(md);
  EXPECT_EQ(common::GetString(*md, "issuer").value_or(""), kIssuer);
  auto jwks = common::Jwks::FromJsonText(common::ToJson(*common::GetObject(*md, "jwks")));
  EXPECT_TRUE(jwks);
  const common::Jwk* key = jwks->FindByKid(kid);
  EXPECT_NE(key, nullptr) << kid;
  return key ? *key : common::Jwk::Generate(common::JwsAlg::kES256);
}

credentials::VerifiedSdJwt VerifyIssued(const issuer::Oid4vciService& s, const std::string& vc,
                                        int64_t now) {
  auto parts = credentials::SplitSdJwt(vc);
  EXPECT_TRUE(parts);
  auto header = common::ParseCompact(parts->issuer_jwt);
  EXPECT_TRUE(header);
  credentials::SdJwtVerifyOptions o;
  o.now = now;
  o.require_exp = true;
  auto v = credentials::VerifySdJwt(vc, IssuerKey(s, header->kid), o);
  EXPECT_TRUE(v) << (v ? "" : v.error().message);
  return v ? std::move(*v) : credentials::VerifiedSdJwt{};
}

TEST_P(Oid4vciTest, IssuerMetadataHasOneConfigurationPerSdJwtContract) {
  auto md = common::ParseJsonObject(service_->IssuerMetadata());
  ASSERT_TRUE(md);
  EXPECT_EQ(common::GetString(*md, "credential_issuer").value_or(""), kIssuer);
  EXPECT_EQ(common::GetString(*md, "credential_endpoint").value_or(""),
            std::string(kIssuer) + "/oid4vci/credential");
  EXPECT_EQ(common::GetString(*md, "nonce_endpoint").value_or(""),
            std::string(kIssuer) + "/oid4vci/nonce");
  const auto* configs = common::GetObject(*md, "credential_configurations_supported");
  ASSERT_NE(configs, nullptr);
  EXPECT_EQ(configs->MemberCount(), 1u);  // EntraOnly is jwt_vc_json only
  const auto& pid = (*configs)["Pid"];
  EXPECT_EQ(common::GetString(pid, "format").value_or(""), "dc+sd-jwt");
  EXPECT_EQ(common::GetString(pid, "vct").value_or(""),
            std::string(kIssuer) + "/oid4vci/types/Pid");
  const auto* meta = common::GetObject(pid, "credential_metadata");
  ASSERT_NE(meta, nullptr);
  EXPECT_EQ(common::ToJson((*meta)["display"]),
            R"([{"name":"Person ID","locale":"en-US","background_color":"#123456"}])");
  EXPECT_EQ(
      common::ToJson((*meta)["claims"]),
      R"([{"path":["realName"],"mandatory":true,"display":[{"name":"Name","locale":"en-US"}]},)"
      R"({"path":["documentType"],"mandatory":false,"display":[{"name":"documentType","locale":"en-US"}]}])");
  auto as = common::ParseJsonObject(service_->AuthorizationServerMetadata());
  ASSERT_TRUE(as);
  EXPECT_EQ(common::GetString(*as, "token_endpoint").value_or(""),
            std::string(kIssuer) + "/oid4vci/token");
  EXPECT_TRUE(
      common::GetBool(*as, "pre-authorized_grant_anonymous_access_supported").value_or(false));
  EXPECT_TRUE(service_->TypeMetadata("Pid"));
  EXPECT_EQ(ReasonOf(service_->TypeMetadata("EntraOnly")), "not_found");
}

TEST_P(Oid4vciTest, OfferIsFetchableAgainUntilItExpires) {
  issuer::Offer o = MakeOffer();
  EXPECT_EQ(o.tx_code.size(), 6u);
  EXPECT_EQ(service_->OfferUrl(o),
            "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fidv.example%2Foid4vci%"
            "2Foffers%2F" +
                o.id);
  auto first = service_->CredentialOffer(o.id);
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, *service_->CredentialOffer(o.id));  // a second fetch works
  auto doc = common::ParseJsonObject(*first);
  EXPECT_EQ(common::ToJson((*doc)["credential_configuration_ids"]), R"(["Pid"])");
  const auto& grant = (*doc)["grants"][issuer::kPreAuthorizedGrant];
  EXPECT_EQ(common::GetString(grant, "pre-authorized_code").value_or(""), o.pre_authorized_code);
  EXPECT_EQ(
      common::ToJson(grant["tx_code"]),
      R"({"input_mode":"numeric","length":6,"description":"The code shown beside the QR code"})");
  clock_.Advance(601);
  EXPECT_EQ(ReasonOf(service_->CredentialOffer(o.id)), "offer_not_found");
  EXPECT_EQ(ReasonOf(service_->CredentialOffer("of_unknown")), "offer_not_found");
}

TEST_P(Oid4vciTest, FullFlowIssuesAnSdJwtVcWithEveryClaimDisclosable) {
  issuer::Offer offer;
  const std::string vc = Issue(holder_, &offer);
  ASSERT_FALSE(vc.empty());
  auto parts = credentials::SplitSdJwt(vc);
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->disclosures.size(), 2u);
  auto header = common::ParseCompact(parts->issuer_jwt);
  EXPECT_EQ(header->typ, "dc+sd-jwt");
  EXPECT_EQ(header->alg_name, "ES256");
  auto v = VerifyIssued(*service_, vc, clock_.NowSeconds());
  const auto& c = v.claims;
  EXPECT_EQ(common::GetString(c, "iss").value_or(""), kIssuer);
  EXPECT_EQ(common::GetString(c, "vct").value_or(""), std::string(kIssuer) + "/oid4vci/types/Pid");
  EXPECT_EQ(common::GetString(c, "realName").value_or(""), "Alice Liddell");
  EXPECT_EQ(common::GetString(c, "documentType").value_or(""), "PASSPORT");
  EXPECT_FALSE(c.HasMember("idCardNumber"));  // no rule maps it
  EXPECT_EQ(*common::GetInt64(c, "exp") - *common::GetInt64(c, "iat"), 86400);
  auto bound = common::Jwk::FromJson(c["cnf"]["jwk"]);
  ASSERT_TRUE(bound);
  EXPECT_EQ(bound->Thumbprint(), holder_.Thumbprint());
  const auto& sl = c["status"]["status_list"];
  EXPECT_TRUE(common::GetString(sl, "uri").value_or("").starts_with(std::string(kIssuer) +
                                                                    "/oid4vci/status-lists/"));
  // The offer is done and forgets its claims and tx_code; the audit log has the issuance.
  auto done = store_->GetOffer(offer.id);
  ASSERT_TRUE(done && *done);
  EXPECT_EQ((*done)->status, issuer::OfferStatus::kCredentialIssued);
  EXPECT_EQ((*done)->claims_json, "{}");
  EXPECT_EQ((*done)->tx_code, "");
  EXPECT_EQ(
      service_->StatusJson(**done).find(R"("status":"credential_issued")") != std::string::npos,
      true);
  auto audit = issuer::AuditLog(*db_, clock_).List(0, 10);
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ(audit->at(0).subject, "contoso/alice");
  EXPECT_EQ(audit->at(0).outcome, "credential_issued");
  EXPECT_EQ(audit->at(0).reference, (*done)->credential_id);
}

TEST_P(Oid4vciTest, HolderKeyMayBeAnEmbeddedJwk) {
  issuer::Offer o = MakeOffer();
  const std::string token = AccessToken(o);
  auto r = Credential(token, Request(Proof(Nonce(), holder_, holder_, /*as_did=*/false)));
  ASSERT_TRUE(r) << r.error().message;
}

TEST_P(Oid4vciTest, StatusListTokenFlipsOnRevocation) {
  issuer::Offer offer;
  const std::string vc = Issue(holder_, &offer);
  auto v = VerifyIssued(*service_, vc, clock_.NowSeconds());
  const auto& sl = v.claims["status"]["status_list"];
  const std::string uri(common::GetString(sl, "uri").value_or(""));
  const auto idx = static_cast<size_t>(*common::GetInt64(sl, "idx"));
  const std::string list_id = uri.substr(uri.rfind('/') + 1);
  const auto read = [&] {
    auto jwt = service_->StatusListToken(list_id);
    EXPECT_TRUE(jwt);
    auto header = common::ParseCompact(*jwt);
    auto t = credentials::VerifyStatusListToken(*jwt, IssuerKey(*service_, header->kid), uri,
                                                clock_.NowSeconds());
    EXPECT_TRUE(t) << (t ? "" : t.error().message);
    EXPECT_EQ(t->list.size(), 131072u);
    return t->list.Get(idx);
  };
  EXPECT_EQ(read(), credentials::kStatusValid);
  auto done = store_->GetOffer(offer.id);
  int64_t n = 0;
  ASSERT_TRUE(db_->Transaction([&](common::Connection& c) -> common::Status {
    auto r = issuer::Oid4vciStore::Revoke(c, "id", (*done)->credential_id);
    if (!r) return r.error();
    n = *r;
    return {};
  }));
  EXPECT_EQ(n, 1);
  EXPECT_EQ(read(), credentials::kStatusInvalid);
  EXPECT_EQ(ReasonOf(service_->StatusListToken("nope")), "not_found");
}

TEST_P(Oid4vciTest, StatusIndicesAreUniqueAndNotSequential) {
  std::set<int64_t> seen;
  std::vector<int64_t> order;
  for (int i = 0; i < 12; ++i) {
    const std::string vc = Issue(common::Jwk::Generate(common::JwsAlg::kES256));
    auto v = VerifyIssued(*service_, vc, clock_.NowSeconds());
    const int64_t idx = *common::GetInt64(v.claims["status"]["status_list"], "idx");
    seen.insert(idx);
    order.push_back(idx);
  }
  EXPECT_EQ(seen.size(), 12u);
  int consecutive = 0;
  for (size_t i = 1; i < order.size(); ++i) consecutive += order[i] == order[i - 1] + 1;
  EXPECT_LT(consecutive, 3) << "indices look sequential";
}

TEST_P(Oid4vciTest, StateSurvivesARestart) {
  issuer::Offer o = MakeOffer();
  const std::string token = AccessToken(o);
  const std::string nonce = Nonce();
  // A new service and store over the same file: what was committed holds.
  store_ = std::make_unique<issuer::Oid4vciStore>(*db_, clock_);
  issuer::Oid4vciOptions opt;
  opt.credential_issuer = kIssuer;
  service_ = std::make_unique<issuer::Oid4vciService>(opt, contracts_, *store_, *keys_, clock_);
  EXPECT_EQ(ReasonOf(Token(o, o.tx_code)), "invalid_grant");  // still used
  auto r = Credential(token, Request(Proof(nonce, holder_, holder_)));
  EXPECT_TRUE(r) << r.error().message;
}

// One instantiation for the suite, whose cases are spread over oid4vci_*_test.cpp.
VC_INSTANTIATE_BACKENDS(Oid4vciTest);

}  // namespace
}  // namespace vc::testing
