// Shared by the JOSE tests: reading the vectors in tests/data/jose/.
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "common/jose/jwk.h"

namespace vc::common::testing {

inline std::string ReadJoseData(const std::string& name) {
  std::ifstream in(std::string(VC_TEST_DATA_DIR) + "/jose/" + name, std::ios::binary);
  if (!in) throw std::runtime_error("missing test data file " + name);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline Jwk LoadJwk(const std::string& name) {
  auto key = Jwk::FromJsonText(ReadJoseData(name));
  if (!key) throw std::runtime_error(name + ": " + key.error().message);
  return std::move(key).value();
}

// RFC 7515 A.2/A.3 payload: note the CR LF pairs.
inline constexpr char kRfc7515Payload[] =
    "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}";

}  // namespace vc::common::testing
