#include "keys/key_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "common/base/crypto.h"
#include "common/jose/jws.h"

namespace vc::keys {
namespace {
namespace fs = std::filesystem;

class KeyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("keystore-" + common::RandomId(6));
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

mode_t Mode(const fs::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 0777;
}

TEST_F(KeyStoreTest, GeneratesAndReloadsActiveKeyWithPrivateFileModes) {
  KeyStore store(dir_);
  auto key = store.Generate("issuer", common::JwsAlg::kES256);
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(key->key.kid(), key->key.Thumbprint());
  EXPECT_EQ(Mode(dir_), 0700u);
  for (const auto& e : fs::directory_iterator(dir_ / "issuer")) {
    EXPECT_EQ(Mode(e.path()), 0600u) << e.path();
  }
  KeyStore again(dir_);
  auto active = again.Active("issuer");
  ASSERT_TRUE(active.ok());
  EXPECT_EQ(active->key.kid(), key->key.kid());
  EXPECT_EQ(active->alg, common::JwsAlg::kES256);
  // The reloaded key signs, and the original verifies it.
  auto token = common::SignCompact(active->key, active->alg, "{}");
  ASSERT_TRUE(token.ok());
  EXPECT_TRUE(common::VerifyCompact(*token, key->key.PublicOnly(), {common::JwsAlg::kES256}).ok());
}

TEST_F(KeyStoreTest, EveryAlgorithmRoundTrips) {
  KeyStore store(dir_);
  for (auto alg : {common::JwsAlg::kRS256, common::JwsAlg::kPS256, common::JwsAlg::kES256,
                   common::JwsAlg::kES256K, common::JwsAlg::kEdDSA}) {
    const std::string purpose = "p-" + std::to_string(static_cast<int>(alg));
    ASSERT_TRUE(store.Generate(purpose, alg).ok()) << common::AlgName(alg);
    auto back = store.Active(purpose);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->alg, alg);
  }
}

TEST_F(KeyStoreTest, RotationKeepsOldKeysListed) {
  KeyStore store(dir_);
  auto first = store.Generate("issuer", common::JwsAlg::kES256);
  auto second = store.Rotate("issuer");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(first->key.kid(), second->key.kid());
  auto list = store.List("issuer");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_TRUE((*list)[0].active);
  EXPECT_EQ((*list)[0].key.kid(), second->key.kid());
  auto jwks = common::Jwks::FromJsonText(*store.PublicJwks("issuer"));
  ASSERT_TRUE(jwks.ok());
  EXPECT_EQ(jwks->keys().size(), 2u);
  EXPECT_NE(jwks->FindByKid(first->key.kid()), nullptr);
  EXPECT_FALSE(jwks->keys()[0].has_private());
}

TEST_F(KeyStoreTest, ActiveOrGenerateCreatesOnce) {
  KeyStore store(dir_);
  auto a = store.ActiveOrGenerate("result", common::JwsAlg::kES256);
  auto b = store.ActiveOrGenerate("result", common::JwsAlg::kES256);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->key.kid(), b->key.kid());
}

TEST_F(KeyStoreTest, MissingKeyAndBadPurpose) {
  KeyStore store(dir_);
  EXPECT_EQ(store.Active("nothing").error().code, "no_key");
  EXPECT_EQ(store.Generate("../etc", common::JwsAlg::kES256).error().code, "invalid_purpose");
  EXPECT_EQ(store.Generate("", common::JwsAlg::kES256).error().code, "invalid_purpose");
}

TEST_F(KeyStoreTest, TamperedKeyFileIsReported) {
  KeyStore store(dir_);
  auto key = store.Generate("issuer", common::JwsAlg::kES256);
  ASSERT_TRUE(key.ok());
  // Swap the file's content for another key: the name no longer matches.
  auto other = common::Jwk::Generate(common::JwsAlg::kES256).ToPrivatePem();
  ASSERT_TRUE(
      WritePrivateFile(dir_ / "issuer" / ("ES256_" + key->key.kid() + ".pem"), *other).ok());
  EXPECT_EQ(store.Active("issuer").error().code, "invalid_key");
}

TEST_F(KeyStoreTest, SecretsPersist) {
  KeyStore store(dir_);
  auto s1 = store.SecretOrCreate("session-hmac");
  ASSERT_TRUE(s1.ok());
  EXPECT_EQ(s1->size(), 32u);
  EXPECT_EQ(Mode(dir_ / "secrets" / "session-hmac"), 0600u);
  KeyStore again(dir_);
  EXPECT_EQ(*again.SecretOrCreate("session-hmac"), *s1);
}

// Sets the process umask for one scope (the most permissive one shows whether
// files are created private, rather than narrowed by the usual 022).
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : old_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(old_); }

 private:
  mode_t old_;
};

TEST_F(KeyStoreTest, KeysSecretsAndTheirDirectoriesArePrivateEvenWithUmaskZero) {
  ScopedUmask open_umask(0);
  const fs::path nested = dir_ / "data" / "keys";
  KeyStore store(nested);
  ASSERT_TRUE(store.Generate("issuer", common::JwsAlg::kES256).ok());
  ASSERT_TRUE(store.SecretOrCreate("session-hmac").ok());
  EXPECT_EQ(Mode(dir_ / "data"), 0700u);
  EXPECT_EQ(Mode(nested), 0700u);
  EXPECT_EQ(Mode(nested / "issuer"), 0700u);
  EXPECT_EQ(Mode(nested / "secrets"), 0700u);
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(nested)) {
    if (!e.is_regular_file()) continue;
    ++files;
    EXPECT_EQ(Mode(e.path()), 0600u) << e.path();
  }
  EXPECT_EQ(files, 3);  // the key, `active`, the secret; no temp file left behind
  EXPECT_TRUE(FindLooseKeyFiles(nested).empty());
}

TEST_F(KeyStoreTest, ALeftoverTempFileWithWideModeIsNotReused) {
  ScopedUmask open_umask(0);
  fs::create_directories(dir_);
  const fs::path target = dir_ / "secret";
  const fs::path stale = dir_ / "secret.tmp";
  std::ofstream(stale) << "stale";
  fs::permissions(stale, fs::perms(0644));
  ASSERT_TRUE(WritePrivateFile(target, "s3cr3t").ok());
  EXPECT_EQ(Mode(target), 0600u);
  std::ifstream in(target);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "s3cr3t");
  EXPECT_EQ(Mode(stale), 0644u);  // left alone: the secret never went through it
}

TEST_F(KeyStoreTest, ASecretIsCreatedOnceUnderConcurrentFirstUse) {
  fs::create_directories(dir_);
  EXPECT_EQ(CreatePrivateFileOnce(dir_ / "once", "first").value(), true);
  EXPECT_EQ(CreatePrivateFileOnce(dir_ / "once", "second").value(), false);
  // Two key stores on one directory (vcserver and vcctl) asking at the same time.
  std::vector<std::string> got(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < got.size(); ++i) {
    threads.emplace_back([&, i] {
      KeyStore store(dir_);
      auto secret = store.SecretOrCreate("shared");
      got[i] = secret ? *secret : "error: " + secret.error().message;
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& g : got) EXPECT_EQ(g, got[0]);
  EXPECT_EQ(*KeyStore(dir_).SecretOrCreate("shared"), got[0]);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_ / "secrets"), fs::directory_iterator()), 1);
}

TEST_F(KeyStoreTest, LooseKeyFilesAreFoundWithTheirModes) {
  KeyStore store(dir_);
  ASSERT_TRUE(store.Generate("issuer", common::JwsAlg::kES256).ok());
  ASSERT_TRUE(store.SecretOrCreate("session-hmac").ok());
  EXPECT_TRUE(FindLooseKeyFiles(dir_).empty());
  fs::permissions(dir_ / "secrets" / "session-hmac", fs::perms(0640));
  fs::path pem;
  for (const auto& e : fs::directory_iterator(dir_ / "issuer")) {
    if (e.path().extension() == ".pem") pem = e.path();
  }
  fs::permissions(pem, fs::perms(0604));
  auto loose = FindLooseKeyFiles(dir_);
  ASSERT_EQ(loose.size(), 2u);
  EXPECT_EQ(loose[0].path, pem);
  EXPECT_EQ(loose[0].mode, 0604u);
  EXPECT_EQ(loose[1].path, dir_ / "secrets" / "session-hmac");
  EXPECT_EQ(loose[1].mode, 0640u);
  EXPECT_TRUE(FindLooseKeyFiles(dir_ / "missing").empty());
}

}  // namespace
}  // namespace vc::keys
