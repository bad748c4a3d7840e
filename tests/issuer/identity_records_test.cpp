#include "issuer/identity_records.h"

#include <gtest/gtest.h>

#include "common/base/crypto.h"
#include "issuer/proofing_attempts.h"
#include "support/test_database.h"

namespace vc::testing {
namespace {

constexpr const char* kNumber = "11010519491231002X";

class IdentityRecordsTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (::testing::Test::IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(issuer::MigrateProofing(db()).ok());
  }
  common::Status Tx(const std::function<common::Status(common::Connection&)>& fn) {
    return db_->Transaction(fn);
  }
  issuer::ClaimedIdentity Claimed(std::string number = kNumber) {
    return {"Zhang San", "PRC_ID", std::move(number)};
  }

  issuer::IdentityCrypto crypto_{common::RandomBytes(32), common::RandomBytes(32)};
  issuer::IdentityStore store_{crypto_};
};

TEST_P(IdentityRecordsTest, NumberIsEncryptedAtRestAndReadsBack) {
  ASSERT_TRUE(
      Tx([&](auto& c) { return store_.SaveClaimed(c, "contoso", "u1", Claimed(), 1); }).ok());
  std::string blob;
  ASSERT_TRUE(Tx([&](common::Connection& c) {
                auto q = c.Prepare("SELECT id_number_enc, id_number_hmac FROM identity_records");
                auto row = q->Step();
                blob = q->ColumnBlob(0);
                EXPECT_EQ(q->ColumnText(1), crypto_.LookupHmac(kNumber));
                return row ? common::Status::Ok() : common::Status(row.error());
              }).ok());
  EXPECT_EQ(blob.find(kNumber), std::string::npos);
  EXPECT_EQ(blob.size(), 12 + 18 + 16u);
  ASSERT_TRUE(Tx([&](auto& c) {
                auto r = store_.Get(c, "contoso", "u1");
                EXPECT_TRUE(r.ok() && r->has_value());
                EXPECT_EQ((*r)->identity.id_card_number, kNumber);
                return common::Status::Ok();
              }).ok());
}

TEST_P(IdentityRecordsTest, SameNumberEncryptsDifferentlyEachTime) {
  auto a = crypto_.Encrypt(kNumber, "x");
  auto b = crypto_.Encrypt(kNumber, "x");
  EXPECT_NE(*a, *b);
}

TEST_P(IdentityRecordsTest, CiphertextMovedToAnotherRecordDoesNotDecrypt) {
  auto sealed = crypto_.Encrypt(kNumber, "identity:contoso/u1");
  EXPECT_TRUE(crypto_.Decrypt(*sealed, "identity:contoso/u1").ok());
  auto moved = crypto_.Decrypt(*sealed, "identity:contoso/u2");
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.error().code, "decrypt_failed");
  std::string flipped = *sealed;
  flipped[14] ^= 1;
  EXPECT_FALSE(crypto_.Decrypt(flipped, "identity:contoso/u1").ok());
}

TEST_P(IdentityRecordsTest, VerifiedRecordIsLockedUntilReset) {
  ASSERT_TRUE(
      Tx([&](auto& c) { return store_.SaveClaimed(c, "contoso", "u1", Claimed(), 1); }).ok());
  ASSERT_TRUE(Tx([&](auto& c) {
                return store_.MarkVerified(c, "contoso", "u1", Claimed(), "sandbox", "sbx_1", "{}",
                                           2);
              }).ok());
  auto changed = Tx([&](auto& c) {
    return store_.SaveClaimed(c, "contoso", "u1", Claimed("110101199003074477"), 3);
  });
  ASSERT_FALSE(changed.ok());
  EXPECT_EQ(changed.error().code, "identity_locked");
  EXPECT_TRUE(
      Tx([&](auto& c) { return store_.SaveClaimed(c, "contoso", "u1", Claimed(), 3); }).ok())
      << "writing the same values is not a change";
  ASSERT_TRUE(Tx([&](auto& c) { return store_.Reset(c, "contoso", "u1", 4); }).ok());
  EXPECT_TRUE(Tx([&](auto& c) {
                return store_.SaveClaimed(c, "contoso", "u1", Claimed("110101199003074477"), 5);
              }).ok());
}

TEST_P(IdentityRecordsTest, JsonMasksTheNumber) {
  issuer::IdentityRecord r;
  r.owner = "contoso";
  r.name = "u1";
  r.identity = Claimed();
  const std::string json = issuer::IdentityToJson(r);
  EXPECT_EQ(json.find(kNumber), std::string::npos);
  EXPECT_NE(json.find("002X"), std::string::npos);
  EXPECT_NE(json.find("\"isVerified\":false"), std::string::npos);
}

VC_INSTANTIATE_BACKENDS(IdentityRecordsTest);

}  // namespace
}  // namespace vc::testing
