// Key material shared by the JOSE fuzz targets: the RFC 7515 A.2/A.3 and RFC
// 8037 keys from tests/data/jose, plus a fixed HS256 secret, loaded once.
#pragma once
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/jose/jwk.h"

namespace vc::fuzz {

inline std::string ReadData(const std::string& name) {
  std::ifstream in(std::string(VC_FUZZ_DATA_DIR) + "/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline const std::vector<common::Jwk>& FixedKeys() {
  static const std::vector<common::Jwk> keys = [] {
    std::vector<common::Jwk> out;
    for (const char* f : {"jose/rfc7515_a2_rsa.jwk.json", "jose/rfc7515_a3_ec.jwk.json",
                          "jose/rfc8037_ed25519.jwk.json"}) {
      auto key = common::Jwk::FromJsonText(ReadData(f));
      if (!key) std::abort();  // the fuzz build cannot find tests/data
      out.push_back(key->PublicOnly());
    }
    out.push_back(common::Jwk::FromSecret(std::string(32, 'k')));
    return out;
  }();
  return keys;
}

}  // namespace vc::fuzz
