// An Oid4vciService over a real SQLite file and key store, with a manual
// clock, and the wallet's side of each step (token form, nonce, key proof,
// credential request) for the OpenID4VCI tests.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "common/base/json.h"
#include "common/config/config.h"
#include "common/jose/jws.h"
#include "credentials/contract_config.h"
#include "issuer/audit_log.h"
#include "issuer/oid4vci_metadata.h"
#include "issuer/oid4vci_service.h"
#include "issuer/proofing_attempts.h"
#include "keys/did.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"

namespace vc::testing {

inline constexpr const char* kIssuer = "https://idv.example";

// On both engines (VC_INSTANTIATE_BACKENDS in each file).
class Oid4vciTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override {
    VC_SKIP_WITHOUT_BACKEND(GetParam());
    test_db_ = std::make_unique<TestDatabase>(GetParam());
    db_ = test_db_->Open();
    ASSERT_NE(db_, nullptr);
    ASSERT_TRUE(issuer::MigrateProofing(*db_).ok());
    ASSERT_TRUE(issuer::Oid4vciStore::Migrate(*db_).ok());
    keys_ = std::make_unique<keys::KeyStore>(dir_.path() / "keys");
    store_ = std::make_unique<issuer::Oid4vciStore>(*db_, clock_);
    auto config = common::ParseConfig(
        R"({"orgs":[],"contracts":[{"id":"Pid","type":"Pid","formats":["jwt_vc_json","dc+sd-jwt"],
            "validityIntervalSeconds":86400,
            "claims":[{"inputClaim":"realName","required":true,"indexed":true},
                      {"inputClaim":"idCardType","outputClaim":"documentType"}],
            "display":{"card":{"title":"Person ID","issuedBy":"IDV Example",
                               "backgroundColor":"#123456"},
                       "claims":{"vc.credentialSubject.realName":{"label":"Name"}}}},
           {"id":"EntraOnly"}]})",
        "");
    contracts_ = credentials::ParseContracts(config);
    issuer::Oid4vciOptions o;
    o.credential_issuer = kIssuer;
    service_ = std::make_unique<issuer::Oid4vciService>(o, contracts_, *store_, *keys_, clock_);
  }

  const credentials::ContractConfig& Pid() const { return contracts_.at(0); }

  issuer::Offer MakeOffer(const std::string& name = "alice") {
    auto offer = service_->CreateOffer(
        {"", "contoso", name}, Pid(),
        {{"realName", "Alice Liddell"}, {"idCardType", "PASSPORT"}, {"idCardNumber", "X1234567"}});
    EXPECT_TRUE(offer) << (offer ? "" : offer.error().message);
    return offer ? *offer : issuer::Offer{};
  }

  issuer::Oid4vciResult<std::string> Token(const issuer::Offer& o, const std::string& tx) {
    common::NameValueList form = {{"grant_type", issuer::kPreAuthorizedGrant},
                                  {"pre-authorized_code", o.pre_authorized_code}};
    if (!tx.empty()) form.emplace_back("tx_code", tx);
    return service_->Token(common::QueryParams(form), "");
  }

  // The access token of a successful redemption.
  std::string AccessToken(const issuer::Offer& o) {
    auto t = Token(o, o.tx_code);
    EXPECT_TRUE(t) << (t ? "" : t.error().message);
    auto doc = common::ParseJsonObject(t ? *t : "{}");
    return std::string(common::GetString(*doc, "access_token").value_or(""));
  }

  std::string Nonce() {
    auto n = service_->Nonce();
    EXPECT_TRUE(n);
    auto doc = common::ParseJsonObject(*n);
    return std::string(common::GetString(*doc, "c_nonce").value_or(""));
  }

  // A proof JWT; `signer` signs, `named` is the key the header names.
  std::string Proof(const std::string& nonce, const common::Jwk& signer, const common::Jwk& named,
                    bool as_did = true, std::string aud = kIssuer, int64_t iat = 0,
                    std::string typ = "openid4vci-proof+jwt") {
    common::JsonWriter w;
    w->StartObject();
    w.Member("aud", aud);
    w.Member("iat", iat == 0 ? clock_.NowSeconds() : iat);
    if (!nonce.empty()) w.Member("nonce", nonce);
    w->EndObject();
    common::JwsHeader h{typ, as_did ? keys::DidJwkFromKey(named) + "#0" : "",
                        as_did ? "" : named.PublicOnly().ToPublicJson()};
    auto jws = common::SignCompact(signer, common::JwsAlg::kES256, w.str(), h);
    EXPECT_TRUE(jws);
    return jws ? *jws : "";
  }

  static std::string Request(const std::string& proof, const std::string& config = "Pid") {
    return R"({"credential_configuration_id":")" + config + R"(","proofs":{"jwt":[")" + proof +
           R"("]}})";
  }

  issuer::Oid4vciResult<std::string> Credential(const std::string& token, const std::string& body) {
    return service_->Credential("Bearer " + token, body, "");
  }

  // The SD-JWT VC of a successful credential response.
  static std::string CredentialOf(const std::string& response) {
    auto doc = common::ParseJsonObject(response);
    const auto* creds = doc ? common::GetArray(*doc, "credentials") : nullptr;
    if (!creds || creds->Empty()) return "";
    return std::string(common::GetString((*creds)[0], "credential").value_or(""));
  }

  std::string Issue(const common::Jwk& holder, issuer::Offer* offer_out = nullptr) {
    issuer::Offer o = MakeOffer();
    if (offer_out) *offer_out = o;
    const std::string token = AccessToken(o);
    auto r = Credential(token, Request(Proof(Nonce(), holder, holder)));
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? CredentialOf(*r) : "";
  }

  std::string ReasonOf(const issuer::Oid4vciResult<std::string>& r) {
    return r ? "ok" : std::string(issuer::Code(r.error().reason));
  }

  void TearDown() override {
    service_.reset();
    store_.reset();
    db_.reset();
  }

  TempDir dir_;
  common::ManualClock clock_{1'700'000'000};
  std::unique_ptr<TestDatabase> test_db_;
  std::unique_ptr<common::Database> db_;
  std::unique_ptr<keys::KeyStore> keys_;
  std::unique_ptr<issuer::Oid4vciStore> store_;
  std::vector<credentials::ContractConfig> contracts_;
  std::unique_ptr<issuer::Oid4vciService> service_;
  common::Jwk holder_ = common::Jwk::Generate(common::JwsAlg::kES256);
};

}  // namespace vc::testing
