// API keys: Bearer credential, sha256 hash comparison, org and admin role.
#include "common/config/api_keys.h"

#include <gtest/gtest.h>

#include "common/base/crypto.h"

namespace vc::common {
namespace {

std::string Hash(const std::string& key) { return "sha256:" + HexEncode(Sha256(key)); }

HttpServerRequest WithAuthorization(const std::string& value) {
  HttpServerRequest req;
  req.headers = {{"authorization", value}};
  return req;
}

TEST(ApiKeys, MatchesOnlyAConfiguredBearerKey) {
  ApiKeyVerifier keys({{"app", "contoso", "app", Hash("k1")}, {"root", "", "admin", Hash("k2")}});
  auto app = keys.Match(WithAuthorization("Bearer k1"));
  ASSERT_TRUE(app);
  EXPECT_EQ(app->id, "app");
  EXPECT_EQ(app->org, "contoso");
  EXPECT_FALSE(app->admin);
  auto admin = keys.Match(WithAuthorization("Bearer k2"));
  ASSERT_TRUE(admin);
  EXPECT_TRUE(admin->admin);
  EXPECT_FALSE(keys.Match(WithAuthorization("Bearer k3")));
  EXPECT_FALSE(keys.Match(WithAuthorization("Basic k1")));
  EXPECT_FALSE(keys.Match(WithAuthorization("Bearer ")));
  EXPECT_FALSE(keys.Match(HttpServerRequest{}));
  EXPECT_TRUE(ApiKeyVerifier::HasBearer(WithAuthorization("Bearer nope")));
  EXPECT_FALSE(ApiKeyVerifier::HasBearer(HttpServerRequest{}));
}

}  // namespace
}  // namespace vc::common
