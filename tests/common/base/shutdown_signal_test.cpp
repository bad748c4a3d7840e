#include "common/base/shutdown_signal.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>

namespace vc::common {
namespace {

// The signal is sent to this thread only (pthread_kill), so no other thread of the
// test binary can receive it; it stays pending until sigwait() collects it.
TEST(ShutdownSignalTest, ReturnsThePendingSignal) {
  sigset_t old;
  pthread_sigmask(SIG_SETMASK, nullptr, &old);
  BlockShutdownSignals();
  ASSERT_EQ(pthread_kill(pthread_self(), SIGTERM), 0);
  EXPECT_EQ(WaitForShutdownSignal(), SIGTERM);
  ASSERT_EQ(pthread_kill(pthread_self(), SIGINT), 0);
  EXPECT_EQ(WaitForShutdownSignal(), SIGINT);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

}  // namespace
}  // namespace vc::common
