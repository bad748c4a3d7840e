// A stand-in relying party for development: the demo org's registered
// redirect URL ({publicBaseUrl}/demo/rp/done) lands here, and the page checks
// the signed result exactly as an RP would (against our published keys).
#pragma once

#include "common/http/http_server.h"
#include "keys/key_store.h"

namespace vc::server {

void RegisterDemoRp(common::HttpServer& server, keys::KeyStore& keys);

}  // namespace vc::server
