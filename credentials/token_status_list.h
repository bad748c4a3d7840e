// IETF Token Status List (draft-ietf-oauth-status-list): the list a Referenced
// Token (an SD-JWT VC) points to with "status": {"status_list": {"idx", "uri"}},
// and the Status List Token (typ "statuslist+jwt") served at that uri.
//
// Bit order is the opposite of the W3C Bitstring list (status_list.h): with
// `bits` bits per status, index i lives in byte i*bits/8 starting at the
// LEAST-significant bit; the byte array is zlib-compressed (RFC 1950, DEFLATE)
// and written as base64url without padding in "lst".
#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/result.h"
#include "common/jose/jwk.h"

namespace vc::credentials {

// Status values (§7.1): 0x00 VALID, 0x01 INVALID (revoked), 0x02 SUSPENDED.
inline constexpr uint8_t kStatusValid = 0;
inline constexpr uint8_t kStatusInvalid = 1;
inline constexpr uint8_t kStatusSuspended = 2;

class TokenStatusList {
 public:
  static constexpr size_t kMaxBytes = size_t{1} << 22;  // 4 MiB decompressed

  // `entries` statuses of `bits` (1, 2, 4 or 8) bits each, all VALID. Throws
  // std::invalid_argument for another `bits` (a programming error).
  explicit TokenStatusList(size_t entries, int bits = 1);

  // From "bits" and "lst". Error "invalid_status_list" when bits is not 1, 2,
  // 4 or 8, lst is not base64url, not zlib, empty or larger than kMaxBytes.
  static common::Result<TokenStatusList> Decode(int bits, std::string_view lst);
  // From the JSON object {"bits": n, "lst": "…"} (a token's "status_list").
  static common::Result<TokenStatusList> FromJson(const rapidjson::Value& status_list);

  int bits() const { return bits_; }
  size_t size() const { return bytes_.size() * 8 / static_cast<size_t>(bits_); }
  // 0 for an index out of range.
  uint8_t Get(size_t index) const;
  // Ignored for an index out of range; the value is masked to `bits`.
  void Set(size_t index, uint8_t status);

  std::string EncodeLst() const;  // base64url(zlib(bytes)), level 9
  std::string ToJson() const;     // {"bits":n,"lst":"…"}

 private:
  std::string bytes_;
  int bits_ = 1;
};

// zlib (RFC 1950) over Debian's zlib, exposed for tests. Decompress refuses
// output larger than max_bytes: error "invalid_status_list".
std::string ZlibCompress(std::string_view data);
common::Result<std::string> ZlibDecompress(std::string_view data, size_t max_bytes);

// What a Status List Token says (§5.1): sub = the uri Referenced Tokens name.
struct StatusListTokenClaims {
  std::string iss;  // optional in the draft; we always write it
  std::string sub;
  int64_t iat = 0;
  int64_t exp = 0;  // 0 = none
  int64_t ttl = 0;  // seconds a verifier may cache it; 0 = none
};

// Signs a Status List Token: header {alg, typ: "statuslist+jwt", kid},
// payload {iss, sub, iat, exp, ttl, status_list}. Error "key_mismatch" when
// the key cannot sign with `alg`.
common::Result<std::string> IssueStatusListToken(const StatusListTokenClaims& claims,
                                                 const TokenStatusList& list,
                                                 const common::Jwk& key, common::JwsAlg alg,
                                                 const std::string& kid);

struct VerifiedStatusListToken {
  StatusListTokenClaims claims;
  TokenStatusList list{0};
};

// Verifies a Status List Token with `key` (ES256, ES256K, EdDSA or RS256):
// typ must be "statuslist+jwt", sub must equal `expected_uri` (§8.3 step 4),
// iat required, exp (when present) not passed at `now` (60 s skew), and
// status_list must decode. Errors carry the JOSE codes for signature problems,
// "invalid_status_list_token" for everything else, with the reason.
common::Result<VerifiedStatusListToken> VerifyStatusListToken(std::string_view jwt,
                                                              const common::Jwk& key,
                                                              const std::string& expected_uri,
                                                              int64_t now);

}  // namespace vc::credentials
