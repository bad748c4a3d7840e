// Issue 21 item 8: free text a caller sends is stored with its request, so it
// is bounded. A valid create request is accepted; the same request with any
// one free-text field past its limit is a 400 naming that field, and nothing
// is stored.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/base/json.h"
#include "common/config/config.h"
#include "tests/hostile/db_snapshot.h"
#include "tests/hostile/hostile_server.h"

namespace vc::testing {
namespace {

struct Field {
  std::string name;  // the field, as the 400 names it
  std::string slot;  // its placeholder in the body
};

std::string Fill(std::string body, const std::vector<Field>& fields, const std::string& target,
                 const std::string& value) {
  for (const Field& f : fields) {
    const std::string v = f.slot == target ? value : "ok";
    body.replace(body.find(f.slot), f.slot.size(), v);
  }
  return body;
}

common::HttpResponse Post(HostileServer& server, const std::string& path, const std::string& body,
                          const std::string& bearer) {
  common::HttpRequest req;
  req.method = "POST";
  req.url = path;
  req.body = body;
  req.headers = {{"Authorization", "Bearer " + bearer}, {"Content-Type", "application/json"}};
  return server.Send(req);
}

class HostileFreeText : public ::testing::Test {
 protected:
  // The body with every field "ok" is accepted (201); with one field 9 KiB
  // long it is refused, and the answer names the field.
  void Check(const std::string& path, std::string body, const std::vector<Field>& fields,
             const std::string& bearer) {
    // This server's authority and contract, which the Request Service checks.
    for (const auto& [slot, value] :
         {std::pair<std::string, std::string>{"$AUTHORITY", common::DidWebFromUrl(server_.base())},
          {"$MANIFEST", server_.base() + "/v1.0/tenants/local/verifiableCredentials/contracts/"
                                         "VerifiedIdentity/manifest"}}) {
      if (auto at = body.find(slot); at != std::string::npos) body.replace(at, slot.size(), value);
    }
    const auto accepted = Post(server_, path, Fill(body, fields, "", ""), bearer);
    ASSERT_EQ(accepted.status, 201) << accepted.body;
    const DbSnapshot before = Snapshot(server_.db_path());
    for (const Field& f : fields) {
      const auto refused =
          Post(server_, path, Fill(body, fields, f.slot, std::string(9216, 'a')), bearer);
      EXPECT_EQ(refused.status, 400) << path << " " << f.name << ": " << refused.body;
      EXPECT_NE(refused.body.find(f.name), std::string::npos) << f.name << ": " << refused.body;
    }
    ExpectUnchanged(before, Snapshot(server_.db_path()));
  }

  HostileServer server_;
};

TEST_F(HostileFreeText, PresentationRequestsBoundEveryText) {
  Check("/v1.0/verifiableCredentials/createPresentationRequest",
        R"({"authority":"$AUTHORITY","callback":{"url":"https://rp.example/cb",)"
        R"("state":"$STATE","headers":{"api-key":"$KEY"}},)"
        R"("registration":{"clientName":"$CLIENT","purpose":"$PURPOSE"},)"
        R"("requestedCredentials":[{"type":"$TYPE","purpose":"$RCPURPOSE",)"
        R"("acceptedIssuers":["did:web:$ISSUER"],)"
        R"("constraints":[{"claimName":"$CLAIM","values":["$VALUE"]}]}]})",
        {{"callback.state", "$STATE"},
         {"callback.headers", "$KEY"},
         {"registration.clientName", "$CLIENT"},
         {"registration.purpose", "$PURPOSE"},
         {"requestedCredentials[0].type", "$TYPE"},
         {"requestedCredentials[0].purpose", "$RCPURPOSE"},
         {"requestedCredentials[0].acceptedIssuers", "$ISSUER"},
         {"requestedCredentials[0].constraints[0].claimName", "$CLAIM"},
         {"requestedCredentials[0].constraints[0].values", "$VALUE"}},
        server_.BearerToken());
}

TEST_F(HostileFreeText, IssuanceRequestsBoundEveryText) {
  Check("/v1.0/verifiableCredentials/createIssuanceRequest",
        R"({"authority":"$AUTHORITY","callback":{"url":"https://rp.example/cb",)"
        R"("state":"$STATE"},"registration":{"clientName":"$CLIENT"},"type":"$TYPE",)"
        R"("manifest":"$MANIFEST","claims":{"realName":"Mei","$CLAIM":"x"}})",
        {{"callback.state", "$STATE"},
         {"registration.clientName", "$CLIENT"},
         {"type", "$TYPE"},
         {"claims", "$CLAIM"}},
        server_.BearerToken());
}

TEST_F(HostileFreeText, InlineVerifierPoliciesBoundEveryText) {
  Check("/api/verifier/presentation-requests",
        R"({"policy":{"registration":{"clientName":"$CLIENT","purpose":"$PURPOSE"},)"
        R"("requestedCredentials":[{"type":"VerifiedIdentity","purpose":"$RCPURPOSE"}]}})",
        {{"registration.clientName", "$CLIENT"},
         {"registration.purpose", "$PURPOSE"},
         {"requestedCredentials[0].purpose", "$RCPURPOSE"}},
        kAdminKey);
}

}  // namespace
}  // namespace vc::testing
