// HttpRouter without a server: the "*name" fallback segment.
#include "common/http/http_router.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace vc::common {
namespace {

using Kind = HttpRouter::Match::Kind;

HttpRouter Routes() {
  HttpRouter r;
  r.Add("POST", "/v1.0/verifiableCredentials/createIssuanceRequest", nullptr, false);
  r.Add("GET", "/v1.0/tenants/:tid/manifest", nullptr, false);
  r.Add("GET", "/v1.0/*path", nullptr, false);
  r.Add("POST", "/v1.0/*path", nullptr, false);
  return r;
}

TEST(HttpRouterTest, RestSegmentIsTheFallbackOfItsSubtree) {
  const HttpRouter r = Routes();
  auto m = r.Find("GET", "/v1.0/no/such/path/");
  ASSERT_EQ(m.kind, Kind::kFound);
  EXPECT_EQ(r.routes()[m.route_index].pattern, "/v1.0/*path");
  EXPECT_EQ(m.params["path"], "no/such/path/");
  EXPECT_EQ(r.Find("GET", "/v1.0/a%20b").params["path"], "a b");
  // Literal and parameter routes win over it; outside the subtree it does not match.
  m = r.Find("POST", "/v1.0/verifiableCredentials/createIssuanceRequest");
  EXPECT_EQ(r.routes()[m.route_index].pattern, "/v1.0/verifiableCredentials/createIssuanceRequest");
  m = r.Find("GET", "/v1.0/tenants/local/manifest");
  EXPECT_EQ(r.routes()[m.route_index].pattern, "/v1.0/tenants/:tid/manifest");
  EXPECT_EQ(m.params["tid"], "local");
  EXPECT_EQ(r.Find("GET", "/v1.0").kind, Kind::kNotFound);
  EXPECT_EQ(r.Find("GET", "/beta/x").kind, Kind::kNotFound);
  // A method with no fallback still sees 405 for a path of another method.
  EXPECT_EQ(r.Find("DELETE", "/v1.0/tenants/local/manifest").kind, Kind::kMethodNotAllowed);
  EXPECT_EQ(r.Find("GET", "/v1.0/%zz").kind, Kind::kBadPath);
}

TEST(HttpRouterTest, RestSegmentMustBeLastAndNamed) {
  HttpRouter r;
  EXPECT_THROW(r.Add("GET", "/a/*rest/b", nullptr, false), std::invalid_argument);
  EXPECT_THROW(r.Add("GET", "/a/*", nullptr, false), std::invalid_argument);
}

}  // namespace
}  // namespace vc::common
