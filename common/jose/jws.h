// JWS compact serialisation (RFC 7515) for RS256, PS256, ES256, ES256K, EdDSA
// and HS256. The algorithm is checked against the caller's allow-list, and
// against the key, before any cryptography runs; "none" is never accepted.
#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"
#include "common/jose/jose_error.h"
#include "common/jose/jwk.h"

namespace vc::common {

// Extra protected-header members written after "alg". Empty ones are omitted.
struct JwsHeader {
  std::string typ;
  std::string kid;
  std::string jwk_json;  // a public JWK to embed as "jwk" (self-issued tokens)
};

// Signs `payload` (raw bytes) with `key` under `alg`. The header is written as
// {"alg":…[,"typ"][,"kid"][,"jwk"]} in that order, so {"alg":"RS256"} alone
// reproduces RFC 7515 A.2 byte for byte. ES256/ES256K signatures are the JOSE
// raw R||S form. Error "key_mismatch" if the key cannot sign with `alg` or has
// no private part.
Result<std::string> SignCompact(const Jwk& key, JwsAlg alg, std::string_view payload,
                                const JwsHeader& header = {});

// A parsed but unverified token; use it to choose the key (kid), then verify.
struct JwsToken {
  std::string header_json;     // decoded protected header
  rapidjson::Document header;  // parsed header (an object)
  std::string payload;         // decoded payload bytes
  std::string signing_input;   // ASCII(BASE64URL(header) '.' BASE64URL(payload))
  std::string signature;       // decoded signature bytes
  std::string alg_name;        // header "alg" as written
  std::string kid;             // header "kid", empty if absent
  std::string typ;             // header "typ", empty if absent
};

constexpr size_t kDefaultMaxTokenBytes = 16 * 1024;

// Splits and decodes; checks the header is a JSON object (no duplicate members,
// depth-limited) with a string "alg". Does not verify anything cryptographic.
// A header with "crit" is refused (RFC 7515 §4.1.11: we understand no extension).
Result<JwsToken> ParseCompact(std::string_view token, size_t max_bytes = kDefaultMaxTokenBytes);

// Verifies a parsed token: "alg" must be in `allowed` and compatible with `key`
// (checked first), then the signature. Returns the algorithm used.
Result<JwsAlg> VerifySignature(const JwsToken& token, const Jwk& key,
                               std::initializer_list<JwsAlg> allowed);
Result<JwsAlg> VerifySignature(const JwsToken& token, const Jwk& key,
                               const std::vector<JwsAlg>& allowed);

// ParseCompact + VerifySignature in one step.
Result<JwsToken> VerifyCompact(std::string_view token, const Jwk& key,
                               std::initializer_list<JwsAlg> allowed,
                               size_t max_bytes = kDefaultMaxTokenBytes);

}  // namespace vc::common
