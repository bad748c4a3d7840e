// RequestService and TokenService without a socket: an in-memory database, a
// manual clock and an HttpClient that must never be called.
#include "request_service/service.h"

#include <gtest/gtest.h>

#include "common/base/base64url.h"
#include "common/base/json.h"
#include "common/jose/jws.h"
#include "request_service/auth.h"
#include "request_service/outbox.h"
#include "support/temp_dir.h"
#include "support/test_database.h"

namespace vc::request_service {
namespace {

class NoNetwork final : public common::HttpClient {
 public:
  common::Result<common::HttpResponse> Send(const common::HttpRequest&) override {
    ADD_FAILURE() << "the service must not call the network here";
    return common::Error{"connect_failed", "no network"};
  }
};

class Nothing final : public credentials::StatusChecker, public credentials::LinkedDomainChecker {
 public:
  common::Result<bool> IsRevoked(const std::string&, const credentials::StatusEntry&) override {
    return false;
  }
  common::Result<std::string> Verify(const std::string&) override {
    return std::string("https://x/");
  }
};

constexpr const char* kBase = "https://idv.example";
constexpr const char* kDid = "did:web:idv.example";

class ServiceTest : public ::testing::TestWithParam<testing::TestBackend> {
 protected:
  ServiceTest()
      : test_db_(testing::UsableBackend(GetParam())),
        db_(test_db_.Open()),
        keys_(dir_.path() / "keys"),
        resolver_(net_, clock_),
        outbox_(*db_, net_, clock_) {
    RequestServiceOptions o;
    o.public_base_url = kBase;
    o.authority = kDid;
    credentials::ContractConfig c;
    c.id = c.type = "VerifiedIdentity";
    c.claims = {{"realName", "realName", true, false}};
    svc_ = std::make_unique<RequestService>(o, *db_, keys_, std::vector{c}, resolver_, nothing_,
                                            nothing_, clock_);
    svc_->authority().SetOutboxNotifier([this] { ++notified_; });
  }

  std::string IssuanceBody() const {
    return std::string(
               R"({"callback":{"url":"https://rp.example/cb","state":"s"},"registration":{"clientName":"c"},)") +
           R"("authority":")" + kDid + R"(","type":"VerifiedIdentity","manifest":")" +
           svc_->authority().ManifestUrl("VerifiedIdentity") + R"(","claims":{"realName":"M"}})";
  }

  void SetUp() override { VC_SKIP_WITHOUT_BACKEND(GetParam()); }

  testing::TempDir dir_;
  common::ManualClock clock_;
  NoNetwork net_;
  Nothing nothing_;
  testing::TestDatabase test_db_;
  std::unique_ptr<common::Database> db_;
  keys::KeyStore keys_;
  credentials::DidResolver resolver_;
  CallbackOutbox outbox_;
  std::unique_ptr<RequestService> svc_;
  int notified_ = 0;
};

TEST_P(ServiceTest, CreateThenFetchQueuesRequestRetrievedOnce) {
  auto created = svc_->requests().CreateIssuance(IssuanceBody());
  ASSERT_TRUE(created.ok()) << created.failure().message;
  EXPECT_EQ(created->expiry, clock_.NowSeconds() + 300);
  EXPECT_TRUE(created->qr_code.empty());
  ASSERT_TRUE(svc_->requests().RequestObject("issuance", created->request_id).ok());
  ASSERT_TRUE(svc_->requests().RequestObject("issuance", created->request_id).ok());
  EXPECT_EQ(*outbox_.Pending(), 1);
  EXPECT_EQ(notified_, 1);
  EXPECT_EQ(svc_->requests().RequestObject("presentation", created->request_id).failure().status,
            404);
}

TEST_P(ServiceTest, RequestObjectIsSignedUnderTheAuthority) {
  auto created = svc_->requests().CreateIssuance(IssuanceBody());
  auto obj = svc_->requests().RequestObject("issuance", created->request_id);
  ASSERT_TRUE(obj.ok());
  auto v = credentials::VerifyDidSignedJwt(obj->body, resolver_, "client_id");
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(common::GetString(v->payload, "prompt"), "create");
  EXPECT_EQ(common::GetString(v->payload, "redirect_uri"),
            std::string(kBase) + "/v1.0/verifiableCredentials/completeIssuance");
}

TEST_P(ServiceTest, ExpiredRequestIsGoneAndQueuesNothing) {
  auto created = svc_->requests().CreateIssuance(IssuanceBody());
  clock_.Advance(301);
  auto r = svc_->requests().RequestObject("issuance", created->request_id);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure().status, 410);
  EXPECT_EQ(*outbox_.Pending(), 0);
}

TEST_P(ServiceTest, CompletionWithUnknownStateIs404) {
  auto r = svc_->wallet().CompleteIssuance(R"({"code":"issuance_failed","state":"nope"})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure().status, 404);
  EXPECT_EQ(svc_->wallet().CompleteIssuance(R"({"code":"other","state":"x"})").failure().target,
            "code");
}

TEST_P(ServiceTest, RevokeUnknownIs404AndStatusListUnknownIs404) {
  EXPECT_EQ(svc_->publishing().RevokeById("urn:pic:none").failure().status, 404);
  EXPECT_EQ(svc_->publishing().RevokeByIndexedClaim("Nope", "x").failure().status, 404);
  EXPECT_EQ(svc_->publishing().StatusList("9").failure().status, 404);
}

TEST(TokenServiceTest, RolesDecide) {
  common::ManualClock clock;
  TokenService tokens({{"a", "sa", {kRoleCreateAll}},
                       {"i", "si", {kRoleIssue}},
                       {"p", "sp", {kRolePresent}},
                       {"n", "sn", {}}},
                      std::string(32, 'x'), "local", clock);
  auto bearer = [&](const char* id, const char* secret, std::vector<std::string> roles) {
    return "Bearer " + tokens.Mint({id, secret, std::move(roles)});
  };
  EXPECT_TRUE(tokens.Authorize(bearer("a", "sa", {kRoleCreateAll}), Operation::kPresent).ok());
  EXPECT_TRUE(tokens.Authorize(bearer("i", "si", {kRoleIssue}), Operation::kIssue).ok());
  EXPECT_EQ(tokens.Authorize(bearer("i", "si", {kRoleIssue}), Operation::kPresent).failure().status,
            403);
  EXPECT_EQ(tokens.Authorize(bearer("p", "sp", {kRolePresent}), Operation::kIssue).failure().status,
            403);
  EXPECT_EQ(tokens.Authorize(bearer("n", "sn", {}), Operation::kIssue).failure().code,
            "invalid_aad_access_token");
  EXPECT_EQ(tokens.Authorize(std::nullopt, Operation::kIssue).failure().code, "tokenError");
  TokenService other({}, std::string(32, 'y'), "local", clock);
  EXPECT_EQ(
      other.Authorize(bearer("a", "sa", {kRoleCreateAll}), Operation::kIssue).failure().status,
      401);
  TokenService other_tenant({}, std::string(32, 'x'), "contoso", clock);
  EXPECT_EQ(other_tenant.Authorize(bearer("a", "sa", {kRoleCreateAll}), Operation::kIssue)
                .failure()
                .status,
            401);
}

VC_INSTANTIATE_BACKENDS(ServiceTest);

}  // namespace
}  // namespace vc::request_service
