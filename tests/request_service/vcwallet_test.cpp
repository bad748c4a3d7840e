// build/bin/vcwallet against the Request Service, as a demo or CI run uses it.
#include <gtest/gtest.h>

#include "request_service/fixture.h"
#include "support/run.h"

namespace vc::testing {
namespace {

class VcwalletTest : public RequestServiceFixture {
 protected:
  std::string wallet() const { return (dir_.path() / "wallet.json").string(); }
  CommandResult Wallet(std::vector<std::string> args) {
    args.insert(args.begin(), {"--wallet", wallet()});
    return RunBinary("vcwallet", args);
  }
};

TEST_P(VcwalletTest, EndToEndIssueThenPresent) {
  auto accepted =
      Wallet({"accept", Create("Issuance", IssuanceBody(R"(,"pin":{"value":"1234","length":4})")),
              "--pin", "1234"});
  ASSERT_EQ(accepted.exit_code, 0) << accepted.output;
  Deliver();
  EXPECT_EQ(receiver_.Delivered(),
            (std::vector<std::string>{"request_retrieved", "issuance_successful"}));

  auto listed = Wallet({"list", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  auto vcs = common::ParseJson(listed.output);
  ASSERT_TRUE(vcs && vcs->IsArray() && vcs->Size() == 1) << listed.output;
  EXPECT_EQ(Wallet({"list"}).exit_code, 0);

  auto presented = Wallet({"present", Create("Presentation", PresentationBody())});
  ASSERT_EQ(presented.exit_code, 0) << presented.output;
  Deliver();
  EXPECT_EQ(receiver_.Delivered(),
            (std::vector<std::string>{"request_retrieved", "issuance_successful",
                                      "request_retrieved", "presentation_verified"}));
  auto doc = common::ParseJsonObject(receiver_.received().back().body);
  const auto& claims = (*doc)["verifiedCredentialsData"][0]["claims"];
  for (const auto& m : claims.GetObject()) EXPECT_TRUE(m.value.IsString()) << m.name.GetString();
  EXPECT_EQ(std::string(claims["realName"].GetString()), "Megan Bowen");
  EXPECT_EQ(std::string(claims["idNumber"].GetString()), "X123");
}

TEST_P(VcwalletTest, FailuresAreOneLineAndNonZero) {
  auto wrong_pin =
      Wallet({"accept", Create("Issuance", IssuanceBody(R"(,"pin":{"value":"1234","length":4})")),
              "--pin", "9999"});
  EXPECT_NE(wrong_pin.exit_code, 0);
  EXPECT_NE(wrong_pin.output.find("invalidPin"), std::string::npos) << wrong_pin.output;
  EXPECT_EQ(std::count(wrong_pin.output.begin(), wrong_pin.output.end(), '\n'), 1)
      << wrong_pin.output;

  auto nothing_held = Wallet({"present", Create("Presentation", PresentationBody())});
  EXPECT_NE(nothing_held.exit_code, 0);
  EXPECT_NE(nothing_held.output.find("holds no credential"), std::string::npos)
      << nothing_held.output;

  EXPECT_NE(Wallet({"accept", "https://not-a-link"}).exit_code, 0);
  EXPECT_EQ(Wallet({"frobnicate"}).exit_code, 2);
}

VC_INSTANTIATE_BACKENDS(VcwalletTest);

}  // namespace
}  // namespace vc::testing
