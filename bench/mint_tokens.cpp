// Pre-mints unique jumpstart tokens for the load benchmarks: an RP's RS256
// signatures are the slow part (~2,000/s per core), so they are made before the
// clock starts, on every core.
//   mint_tokens KEY.pem ORG REDIRECT_URL COUNT OUT_FILE [LIFETIME_SECONDS]
// Writes one token per line.
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/jose/jwk.h"
#include "common/jose/jws.h"

namespace {

std::string Token(const vc::common::Jwk& key, const std::string& org, const std::string& redirect,
                  const std::string& request_id, int64_t now, int64_t lifetime) {
  vc::common::JsonWriter w;
  w->StartObject();
  w.Member("OrgId", org);
  w.Member("RequestId", request_id);
  w.Member("redirectUrl", redirect);
  w.Member("iat", now);
  w.Member("exp", now + lifetime);
  w->EndObject();
  return vc::common::SignCompact(key, vc::common::JwsAlg::kRS256, w.str(), {"JWT", key.kid(), ""})
      .value();
}

// A random (version 4) GUID, as relying parties send their RequestIds: the
// server's one-time claims then land in random places of their index, as in
// production (numbered ids would be inserted side by side).
std::string RandomGuid() {
  std::string b = vc::common::RandomBytes(16);
  b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
  const std::string h = vc::common::HexEncode(b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::cerr << "usage: mint_tokens KEY.pem ORG REDIRECT_URL COUNT OUT_FILE [LIFETIME_SECONDS]\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  std::stringstream pem;
  pem << in.rdbuf();
  auto key = vc::common::Jwk::FromPem(pem.str());
  if (!key || !key->has_private()) {
    std::cerr << "mint_tokens: " << argv[1] << " is not an RSA private key\n";
    return 1;
  }
  const auto signer = key->WithKid(key->Thumbprint());
  const std::string org = argv[2], redirect = argv[3];
  const long count = std::stol(argv[4]);
  const int64_t lifetime = argc > 6 ? std::stol(argv[6]) : 600;
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::vector<std::string>> parts(threads);
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (long i = t; i < count; i += threads) {
        parts[t].push_back(Token(signer, org, redirect, RandomGuid(), now, lifetime));
      }
    });
  }
  for (auto& w : workers) w.join();
  std::ofstream out(argv[5]);
  for (const auto& p : parts) {
    for (const auto& token : p) out << token << '\n';
  }
  return 0;
}
