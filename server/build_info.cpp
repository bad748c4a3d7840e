#include "server/build_info.h"

#ifndef VC_VERSION
#define VC_VERSION "unknown"
#endif
#ifndef VC_GIT_COMMIT
#define VC_GIT_COMMIT "unknown"
#endif

namespace vc::server {

const char* BuildVersion() { return VC_VERSION; }
const char* BuildCommit() { return VC_GIT_COMMIT; }

void RegisterBuildInfo(common::MetricsRegistry& registry) {
  registry
      .AddGauge("vc_build_info", "Version and commit of this build (always 1)",
                {"version", "commit"})
      .With({BuildVersion(), BuildCommit()})
      .Set(1);
}

}  // namespace vc::server
