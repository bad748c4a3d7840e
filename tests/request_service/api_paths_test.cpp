// /beta aliases and the envelope for every path the API does not have.
#include "request_service/api_paths.h"

#include <gtest/gtest.h>

#include "request_service/fixture.h"

namespace vc::testing {
namespace {

class ApiPathsTest : public RequestServiceFixture {
 protected:
  // innererror.code of an Entra envelope, "" when the body is not one.
  static std::string InnerCode(const common::HttpResponse& r) {
    auto doc = common::ParseJsonObject(r.body);
    if (!doc || !doc->HasMember("error") || !(*doc)["error"].IsObject()) return "";
    const auto& e = (*doc)["error"];
    if (!e.HasMember("innererror") || !common::GetString(e, "code")) return "";
    return std::string(common::GetString(e["innererror"], "code").value_or(""));
  }
  common::Result<common::HttpResponse> Call(const std::string& method, const std::string& path) {
    common::HttpRequest req;
    req.method = method;
    req.url = base_ + path;
    return http_.Send(req);
  }
};

TEST_P(ApiPathsTest, BetaServesTheV1Api) {
  auto r = Post("/beta/verifiableCredentials/createIssuanceRequest", IssuanceBody(), Token());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201) << r->body;
  r = Post("/beta/verifiableCredentials/createPresentationRequest", PresentationBody(), Token());
  EXPECT_EQ(r->status, 201) << r->body;
}

TEST_P(ApiPathsTest, UnknownPathsAnswerTheEnvelope) {
  for (const std::string path :
       {"/v1.0/nope", "/v1.0/verifiableCredentials/createIssuanceRequests", "/beta/x/y/z/",
        "/v1.0/tenants/other/verifiableCredentials/contracts/VerifiedIdentity/manifest",
        "/beta/tenants/local/verifiableCredentials/issue"}) {
    for (const char* method : {"GET", "POST", "DELETE"}) {
      auto r = Call(method, path);
      ASSERT_TRUE(r);
      EXPECT_EQ(r->status, 404) << method << " " << path << ": " << r->body;
      EXPECT_EQ(InnerCode(*r), "notFound") << method << " " << path << ": " << r->body;
    }
  }
  // A path the API has, with a method it does not: 405 in the envelope, with Allow.
  auto r = Call("GET", "/v1.0/verifiableCredentials/createIssuanceRequest");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405) << r->body;
  EXPECT_EQ(InnerCode(*r), "methodNotAllowed");
  EXPECT_EQ(r->Header("allow"), "POST");
  r = Call("PUT", "/beta/verifiableCredentials/createPresentationRequest");
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(InnerCode(*r), "methodNotAllowed");
}

VC_INSTANTIATE_SQLITE(ApiPathsTest);

}  // namespace
}  // namespace vc::testing
