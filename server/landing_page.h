// What a person finds at the server's root, and the short forms of its paths:
//   GET  /            what this server is; in development, how to try it (a
//                     button per demo org that mints a jumpstart link, the
//                     verifier demo, the operator endpoints and the docs); in
//                     production a minimal page with no demo actions
//   POST /demo/start  development only: mints a one-time jumpstart link for a
//                     demo org (form field `org`) with its generated RP key and
//                     sends the browser there (303)
//   GET  /{org}       308 to /{org}/ (query kept) for a registered org, else 404
//   GET  /verifier/   308 to /verifier when the verifier demo is served
#pragma once

#include <string>
#include <vector>

#include "common/http/http_server.h"
#include "issuer/orgs.h"
#include "keys/key_store.h"

namespace vc::server {

struct DemoOrg {
  std::string id;
  std::string name;
  std::string redirect_url;  // where the demo RP receives the result
};

struct LandingOptions {
  bool development = false;
  bool verifier_demo = false;  // GET /verifier is served
  std::string data_dir;        // for the vcwallet command the page shows
  std::vector<DemoOrg> demo_orgs;
};

// `orgs` may be null (no issuer role: no /{org} redirects). `keys` and `orgs`
// must outlive the server.
void RegisterLandingPage(common::HttpServer& server, keys::KeyStore& keys,
                         const issuer::OrgRegistry* orgs, LandingOptions options);

}  // namespace vc::server
