// A response accepted once under concurrency (run under ThreadSanitizer by
// ./dev test --tsan): the same OpenID4VP response posted from 16 threads at
// once is verified and recorded by exactly one, the others are told the
// request was already answered, and one webhook is queued.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "verifier/oid4vp_fixture.h"

namespace vc::testing {
namespace {

class Oid4vpConcurrentTest : public Oid4vpFixture {};

TEST_P(Oid4vpConcurrentTest, ConcurrentIdenticalResponsesAreAcceptedOnce) {
  SdJwtTestIssuer::Options o;
  o.status_idx = 9;
  auto started = StartOid4vp(SdJwtPolicy());
  auto request = Resolve(started.url);
  const std::string presented = Presentation(issuer_.Issue(holder_, o), request);
  constexpr int kThreads = 16;
  std::atomic<int> accepted{0}, answered{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      auto r = Respond(request, presented);
      if (r && r->status == 200) ++accepted;
      if (r && r->status == 400 && OAuthError(r).second == "this request was already answered")
        ++answered;
      if (!r || (r->status != 200 && r->status != 400)) ++refused;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted.load(), 1);
  EXPECT_EQ(answered.load(), kThreads - 1);
  EXPECT_EQ(refused.load(), 0);
  EXPECT_EQ(StatusOf(started.id), "presentation_verified");
  DeliverWebhooks();
  EXPECT_EQ(hooks_.received().size(), 1u);
}

VC_INSTANTIATE_BACKENDS(Oid4vpConcurrentTest);

}  // namespace
}  // namespace vc::testing
