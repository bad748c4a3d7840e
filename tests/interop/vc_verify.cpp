// Our VC-JWT verifier (credentials::VerifyVcJwt) as a command, for
// vc_without_exp.mjs: credentials made by an independent issuer (npm
// did-jwt-vc) checked by our code. did:jwk is resolved locally, anything else
// over the network as in production.
//   vc_verify JWT   prints {"verified":true,"issuer","types","exp"} and exits 0,
//                   or {"verified":false,"error":code,"message"} and exits 1
#include <iostream>

#include "common/base/clock.h"
#include "common/base/json.h"
#include "common/http/http_client.h"
#include "credentials/did_resolver.h"
#include "credentials/vc_jwt.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: vc_verify JWT\n";
    return 2;
  }
  vc::common::CurlHttpClient http;
  vc::common::SystemClock clock;
  vc::credentials::DidResolver resolver(http, clock);
  auto vc = vc::credentials::VerifyVcJwt(argv[1], resolver, clock.NowSeconds());
  vc::common::JsonWriter w;
  w->StartObject();
  w.Member("verified", vc.ok());
  if (vc.ok()) {
    w.Member("issuer", vc->issuer);
    w->Key("types");
    w->StartArray();
    for (const auto& t : vc->types) w.String(t);
    w->EndArray();
    w->Key("exp");
    vc->exp ? w->Int64(*vc->exp) : w->Null();
  } else {
    w.Member("error", vc.error().code);
    w.Member("message", vc.error().message);
  }
  w->EndObject();
  std::cout << w.str() << "\n";
  return vc.ok() ? 0 : 1;
}
