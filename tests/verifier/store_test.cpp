// The verifier's tables across the OpenID4VP migration (version 2): requests
// stored before it read back as Entra requests, and a terminal event is
// recorded once.
#include "verifier/store.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace vc::verifier {
namespace {

TEST(VerifierStore, RequestsFromBeforeOpenId4VpReadAsEntra) {
  testing::TempDir dir;
  auto db = common::Database::Open((dir.path() / "vc.db").string(), {true, 5000, 1, false});
  ASSERT_TRUE(db);
  ASSERT_TRUE(common::ApplyMigrations(**db, "verifier", {VerifierMigrations()[0]}).ok());
  ASSERT_TRUE((*db)
                  ->Transaction([](common::Connection& c) {
                    return c.Exec(
                        "INSERT INTO vf_requests(id, org, policy, state, status, created, updated) "
                        "VALUES('r1', 'contoso', '{}', 's1', 'request_created', 1, 1)");
                  })
                  .ok());
  ASSERT_TRUE(common::ApplyMigrations(**db, "verifier", VerifierMigrations()).ok());
  PresentationStore store(**db);
  auto row = store.Find("id", "r1");
  ASSERT_TRUE(row && *row);
  EXPECT_EQ((*row)->protocol, kProtocolEntra);
  EXPECT_EQ((*row)->nonce, "");
  EXPECT_EQ((*row)->request_object, "");
  auto first = store.Finish("s1", {"presentation_error", "", "x", "first"}, "", 2, nullptr);
  auto second = store.Finish("s1", {"presentation_verified", "{}", "", ""}, "", 3, nullptr);
  ASSERT_TRUE(first && second);
  EXPECT_TRUE(*first);
  EXPECT_FALSE(*second);
  EXPECT_EQ((*store.Find("id", "r1"))->error_message, "first");
}

}  // namespace
}  // namespace vc::verifier
