// Waiting for SIGINT/SIGTERM in main() without a signal handler or a busy loop:
// the signals are blocked in every thread and collected with sigwait().
#pragma once

namespace vc::common {

// Blocks SIGINT and SIGTERM in the calling thread. Call it first thing in main(),
// before any thread is created, so that every thread inherits the mask and no thread
// is killed by the default action. Throws std::runtime_error if the mask cannot be set.
void BlockShutdownSignals();

// Blocks until SIGINT or SIGTERM is pending and returns its number. Requires
// BlockShutdownSignals() first (it calls it again, which is harmless).
int WaitForShutdownSignal();

}  // namespace vc::common
