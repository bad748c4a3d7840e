#include "common/base/shutdown_signal.h"

#include <pthread.h>
#include <signal.h>

#include <stdexcept>

namespace vc::common {
namespace {

sigset_t ShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

void BlockShutdownSignals() {
  const sigset_t set = ShutdownSignals();
  if (pthread_sigmask(SIG_BLOCK, &set, nullptr) != 0) {
    throw std::runtime_error("cannot block SIGINT/SIGTERM");
  }
}

int WaitForShutdownSignal() {
  BlockShutdownSignals();
  const sigset_t set = ShutdownSignals();
  int signal_number = 0;
  while (sigwait(&set, &signal_number) != 0) {
    // sigwait only fails with EINVAL for a bad set, which cannot happen here; retry.
  }
  return signal_number;
}

}  // namespace vc::common
