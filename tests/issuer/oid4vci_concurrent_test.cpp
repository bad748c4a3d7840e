// Single-use rules of the OpenID4VCI issuer under concurrent requests (run
// under ThreadSanitizer by ./dev test --tsan: the names contain "Concurrent").
#include <atomic>
#include <thread>
#include <vector>

#include "issuer/oid4vci_service.h"
#include "tests/issuer/oid4vci_fixture.h"

namespace vc::testing {
namespace {

template <typename F>
void InParallel(int n, F f) {
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      f(i);
    });
  }
  go = true;
  for (auto& t : threads) t.join();
}

TEST_P(Oid4vciTest, ConcurrentRedemptionsOfOneCodeGiveOneToken) {
  issuer::Offer o = MakeOffer();
  std::atomic<int> ok{0}, used{0};
  InParallel(16, [&](int) {
    auto r = Token(o, o.tx_code);
    if (r) ++ok;
    if (!r && r.error().reason == issuer::Oid4vciError::kInvalidGrant) ++used;
  });
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(used.load(), 15);
}

TEST_P(Oid4vciTest, ConcurrentWrongTxCodesCountExactlyToTheLimit) {
  issuer::Offer o = MakeOffer();
  const std::string wrong = o.tx_code == "000000" ? "111111" : "000000";
  std::atomic<int> wrong_answers{0}, dead_answers{0};
  InParallel(12, [&](int) {
    auto r = Token(o, wrong);
    ASSERT_FALSE(r);
    if (r.error().message == "the tx_code is wrong") ++wrong_answers;
    if (r.error().message.find("too many") != std::string::npos) ++dead_answers;
  });
  EXPECT_EQ(wrong_answers.load(), 4);
  EXPECT_EQ(dead_answers.load(), 8);
  auto stored = store_->GetOffer(o.id);
  EXPECT_EQ((*stored)->tx_failures, 5);
  EXPECT_EQ((*stored)->status, issuer::OfferStatus::kFailed);
  EXPECT_FALSE(Token(o, o.tx_code));
}

TEST_P(Oid4vciTest, ConcurrentUsesOfOneNonceIssueOneCredential) {
  const std::string nonce = Nonce();
  std::vector<std::string> tokens;
  for (int i = 0; i < 8; ++i) tokens.push_back(AccessToken(MakeOffer("u" + std::to_string(i))));
  std::vector<std::string> proofs;
  for (int i = 0; i < 8; ++i) proofs.push_back(Proof(nonce, holder_, holder_));
  std::atomic<int> issued{0}, replayed{0};
  InParallel(8, [&](int i) {
    auto r = Credential(tokens[i], Request(proofs[i]));
    if (r) ++issued;
    if (!r && r.error().reason == issuer::Oid4vciError::kInvalidNonce) ++replayed;
  });
  EXPECT_EQ(issued.load(), 1);
  EXPECT_EQ(replayed.load(), 7);
}

TEST_P(Oid4vciTest, ConcurrentCredentialRequestsOnOneTokenIssueOnce) {
  const std::string token = AccessToken(MakeOffer());
  std::vector<std::string> proofs;
  for (int i = 0; i < 8; ++i) proofs.push_back(Proof(Nonce(), holder_, holder_));
  std::atomic<int> issued{0}, spent{0};
  InParallel(8, [&](int i) {
    auto r = Credential(token, Request(proofs[i]));
    if (r) ++issued;
    if (!r && r.error().reason == issuer::Oid4vciError::kInvalidToken) ++spent;
  });
  EXPECT_EQ(issued.load(), 1);
  EXPECT_EQ(spent.load(), 7);
}

}  // namespace
}  // namespace vc::testing
