// The key store in the database, sealed under a key-encryption key, on both
// engines: what several instances sharing one database rely on.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include "common/base/crypto.h"
#include "common/jose/jws.h"
#include "common/store/sealed_key_records.h"
#include "keys/key_store.h"
#include "support/store_queries.h"
#include "support/test_database.h"

namespace vc::keys {
namespace {

using vc::testing::BackendTest;

class SealedKeyStoreTest : public BackendTest {
 protected:
  // An instance's key store: its own Database on the shared one, reading
  // every time (refresh 0) unless told otherwise.
  struct Instance {
    std::unique_ptr<common::Database> db;
    std::unique_ptr<KeyStore> keys;
  };
  Instance NewInstance(const std::string& kek,
                       std::chrono::milliseconds refresh = std::chrono::milliseconds(0)) {
    Instance i;
    i.db = store().Open(2);
    auto records = common::SealedKeyRecords::Open(*i.db, kek, refresh);
    EXPECT_TRUE(records.ok()) << records.error().message;
    if (records.ok()) i.keys = std::make_unique<KeyStore>(std::move(*records));
    return i;
  }
  const std::string kek_ = common::RandomBytes(32);
};

TEST_P(SealedKeyStoreTest, InstancesShareKeysAndSecrets) {
  Instance a = NewInstance(kek_), b = NewInstance(kek_);
  auto key = a.keys->ActiveOrGenerate("issuer", common::JwsAlg::kES256);
  ASSERT_TRUE(key.ok()) << key.error().message;
  auto seen = b.keys->Active("issuer");
  ASSERT_TRUE(seen.ok()) << seen.error().message;
  EXPECT_EQ(seen->key.kid(), key->key.kid());
  auto token = common::SignCompact(seen->key, seen->alg, "{}");
  ASSERT_TRUE(token.ok());
  EXPECT_TRUE(common::VerifyCompact(*token, key->key.PublicOnly(), {common::JwsAlg::kES256}).ok());
  EXPECT_EQ(*a.keys->SecretOrCreate("callback-api-key"),
            *b.keys->SecretOrCreate("callback-api-key"));
  EXPECT_EQ(*a.keys->PublicJwks("issuer"), *b.keys->PublicJwks("issuer"));
}

TEST_P(SealedKeyStoreTest, ARotationOnOneInstanceIsSeenByTheOthers) {
  Instance a = NewInstance(kek_), b = NewInstance(kek_);
  auto first = a.keys->Generate("result", common::JwsAlg::kES256);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(b.keys->Active("result")->key.kid(), first->key.kid());
  auto second = b.keys->Rotate("result");
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(a.keys->Active("result")->key.kid(), second->key.kid());
  auto list = a.keys->List("result");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 2u);  // the old key stays published
}

// An instance signs from a snapshot it refreshes every `refresh`: a key made
// by another instance is seen once that much time has passed.
TEST_P(SealedKeyStoreTest, AnInstanceSeesNewKeysWithinItsRefreshInterval) {
  Instance reader = NewInstance(kek_, std::chrono::milliseconds(300));
  Instance writer = NewInstance(kek_);
  auto made = writer.keys->Generate("result", common::JwsAlg::kES256);
  ASSERT_TRUE(made.ok());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  auto seen = reader.keys->Active("result");
  while (!seen.ok() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
    seen = reader.keys->Active("result");
  }
  ASSERT_TRUE(seen.ok()) << seen.error().message;
  EXPECT_EQ(seen->key.kid(), made->key.kid());
}

TEST_P(SealedKeyStoreTest, ConcurrentFirstStartsGenerateOneActiveKey) {
  constexpr int kInstances = 4;
  std::vector<Instance> instances;
  for (int i = 0; i < kInstances; ++i) instances.push_back(NewInstance(kek_));
  std::vector<std::string> kids(kInstances), secrets(kInstances);
  std::vector<std::thread> threads;
  for (int i = 0; i < kInstances; ++i) {
    threads.emplace_back([&, i] {
      auto k = instances[i].keys->ActiveOrGenerate("issuer", common::JwsAlg::kES256);
      if (k.ok()) kids[i] = k->key.kid();
      auto s = instances[i].keys->SecretOrCreate("identity-aes");
      if (s.ok()) secrets[i] = *s;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::set<std::string>(kids.begin(), kids.end()).size(), 1u);
  EXPECT_FALSE(kids[0].empty());
  EXPECT_EQ(std::set<std::string>(secrets.begin(), secrets.end()).size(), 1u);
  EXPECT_EQ(secrets[0].size(), 32u);
  auto active = instances[0].keys->List("issuer");
  ASSERT_TRUE(active.ok());
  int actives = 0;
  for (const auto& k : *active) actives += k.active ? 1 : 0;
  EXPECT_EQ(actives, 1);
}

// Nothing readable is stored, and another key-encryption key opens nothing.
TEST_P(SealedKeyStoreTest, RowsAreSealedAndAnotherKekIsRefused) {
  Instance a = NewInstance(kek_);
  ASSERT_TRUE(a.keys->Generate("issuer", common::JwsAlg::kES256).ok());
  ASSERT_TRUE(a.keys->SecretOrCreate("rp-result").ok());
  EXPECT_EQ(vc::testing::QueryInt(db(), "SELECT COUNT(*) FROM sealed_keys"), 2);
  common::Status scan = db().Read([](common::Connection& c) -> common::Status {
    auto st = c.Prepare("SELECT sealed FROM sealed_keys");
    if (!st.ok()) return st.error();
    for (;;) {
      auto row = st->Step();
      if (!row.ok()) return row.error();
      if (!*row) return common::Status::Ok();
      EXPECT_EQ(st->ColumnBlob(0).find("PRIVATE KEY"), std::string::npos);
    }
  });
  ASSERT_TRUE(scan.ok()) << scan.error().message;
  auto other = common::SealedKeyRecords::Open(db(), common::RandomBytes(32));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, "invalid_key");
  EXPECT_NE(other.error().message.find("keyEncryptionKey"), std::string::npos);
  EXPECT_FALSE(common::SealedKeyRecords::Open(db(), "short").ok());
}

VC_INSTANTIATE_BACKENDS(SealedKeyStoreTest);

}  // namespace
}  // namespace vc::keys
