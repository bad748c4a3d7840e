// What was built: the project version and the git commit, recorded by CMake at
// configure time ("unknown" outside a git checkout). Exported as the
// vc_build_info{version,commit} gauge (always 1) and printed by --version.
#pragma once

#include "common/base/metrics.h"

namespace vc::server {

const char* BuildVersion();
const char* BuildCommit();

// Registers vc_build_info in `registry`. Idempotent.
void RegisterBuildInfo(common::MetricsRegistry& registry);

}  // namespace vc::server
