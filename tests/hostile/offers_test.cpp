// Issue 21 item 5: one proofing, one credential offer at a time. Twenty presses
// of Continue made twenty-one issuance requests and the credential reached
// three wallets; now a record has at most one live offer, a new one only once
// the last expired or ended, and a bounded number per window.
#include <gtest/gtest.h>

#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "common/base/clock.h"
#include "common/base/json.h"
#include "tests/hostile/db_snapshot.h"
#include "tests/hostile/hostile_server.h"

namespace vc::testing {
namespace {

common::HttpResponse Post(HostileServer& server, const std::string& path, const std::string& body,
                          common::HttpHeaders headers) {
  common::HttpRequest req;
  req.method = "POST";
  req.url = path;
  req.body = body;
  req.headers = std::move(headers);
  return server.Send(req);
}

size_t Rows(HostileServer& server, const std::string& table) {
  return Snapshot(server.db_path())[table].size();
}

std::string Code(const common::HttpResponse& r) {
  auto doc = common::ParseJsonObject(r.body);
  return doc ? std::string(common::GetString(*doc, "code").value_or("")) : "";
}

TEST(HostileOffers, TwentyPressesOfContinueMakeOneOffer) {
  HostileServer server;
  const auto [session, cookie] = server.OpenSession("twenty-presses");
  const common::HttpHeaders form = {{"Cookie", cookie},
                                    {"Content-Type", "application/x-www-form-urlencoded"}};
  ASSERT_EQ(Post(server, "/proofing/" + session,
                 "realName=Mei%20Chen&idCardType=PRC_ID&idCardNumber=11010519491231002X", form)
                .status,
            303);
  for (int i = 0; i < 10; ++i) {
    const auto pressed = Post(server, "/proofing/" + session + "/continue", "", form);
    EXPECT_EQ(pressed.status, 303) << pressed.body;
    EXPECT_EQ(pressed.Header("location").value_or(""), "/issuance/" + session);
  }
  // Ten more at once, as an impatient user with several tabs would.
  std::vector<std::thread> presses;
  for (int i = 0; i < 10; ++i) {
    presses.emplace_back([&] {
      HostileServer& s = server;
      (void)Post(s, "/proofing/" + session + "/continue", "", form);
      (void)Post(s, "/issuance/" + session + "/new", "", form);
    });
  }
  for (auto& t : presses) t.join();
  EXPECT_EQ(Rows(server, "issuer_issuances"), 1u);
  EXPECT_EQ(Rows(server, "rs_requests"), 1u);
}

class HostileAccountOffers : public ::testing::Test {
 protected:
  HostileAccountOffers() : clock_(std::time(nullptr)) {
    HostileOptions options;
    options.clock = &clock_;
    options.config["issuance"] = R"({"maxOffersPerRecord":2,"offerWindowSeconds":86400})";
    server_ = std::make_unique<HostileServer>(options);
    admin_ = {{"Authorization", std::string("Bearer ") + kAdminKey},
              {"Content-Type", "application/json"}};
  }

  // A record of contoso verified through the API (no session, so no offer yet).
  void Verify(const std::string& name) {
    common::HttpRequest patch;
    patch.method = "PATCH";
    patch.url = "/api/users/contoso/" + name;
    patch.body = R"({"realName":"Mei Chen","idCardType":"PRC_ID",)"
                 R"("idCardNumber":"11010519491231002X"})";
    patch.headers = admin_;
    ASSERT_EQ(server_->Send(patch).status, 200);
    ASSERT_EQ(
        Post(*server_, "/api/verify-identification?owner=contoso&name=" + name, "", admin_).status,
        200);
  }

  common::HttpResponse Offer(const std::string& name) {
    return Post(*server_, "/api/users/contoso/" + name + "/credential", "", admin_);
  }

  common::ManualClock clock_;
  std::unique_ptr<HostileServer> server_;
  common::HttpHeaders admin_;
};

TEST_F(HostileAccountOffers, ALiveOfferBlocksTheNextAndTheWindowHasALimit) {
  Verify("looper");
  EXPECT_EQ(Offer("looper").status, 201);
  const auto second = Offer("looper");
  EXPECT_EQ(second.status, 409) << second.body;
  EXPECT_EQ(Code(second), "offer_in_progress");
  // Once the code expired (requestService.requestLifetimeSeconds, 300 s), another.
  clock_.Advance(301);
  EXPECT_EQ(Offer("looper").status, 201);
  clock_.Advance(301);
  const auto third = Offer("looper");
  EXPECT_EQ(third.status, 429) << third.body;
  EXPECT_EQ(Code(third), "offer_limit_reached");
  EXPECT_FALSE(third.Header("retry-after").value_or("").empty());
  EXPECT_EQ(Rows(*server_, "rs_requests"), 2u);
  // Another record is not affected, and the window ends.
  Verify("neighbour");
  EXPECT_EQ(Offer("neighbour").status, 201);
  clock_.Advance(86400);
  EXPECT_EQ(Offer("looper").status, 201);
}

}  // namespace
}  // namespace vc::testing
