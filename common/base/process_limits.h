// Limits of this process that a server adjusts at start.
#pragma once

#include <cstdint>

namespace vc::common {

// Raises the soft limit on open file descriptors to the hard limit where the
// system allows it (client connections, outbound sockets and the database all
// need one each; the usual soft limit of 1024 is a default, not a choice).
// Returns the soft limit in force afterwards; never fails (the old limit then
// stays, and is returned).
uint64_t RaiseOpenFileLimit();

}  // namespace vc::common
