// Revocation status lists in the W3C Bitstring Status List v1.0 wire format
// (the successor of StatusList2021, same bit layout): index 0 is the
// most-significant bit of byte 0, the bitstring is GZIP-compressed (RFC 1952)
// and written as multibase base64url without padding ("u" prefix). We chose it
// over the IETF Token Status List because Entra's credentials carry a W3C
// credentialStatus entry and verifiers (Authenticator, did-jwt-vc users) read it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/base/result.h"

namespace vc::credentials {

class StatusList {
 public:
  // The spec's minimum size, 131,072 entries (16 KiB), so that a list does not
  // reveal how many credentials were issued.
  static constexpr size_t kMinEntries = 131072;
  static constexpr size_t kMaxEntries = 1 << 24;

  explicit StatusList(size_t entries = kMinEntries);

  // From an encodedList: with or without the multibase "u" prefix. Errors
  // "invalid_status_list" (bad base64url, not gzip, larger than kMaxEntries).
  static common::Result<StatusList> Decode(std::string_view encoded);

  size_t size() const { return bytes_.size() * 8; }
  // False for an index out of range.
  bool Get(size_t index) const;
  // Ignored for an index out of range.
  void Set(size_t index, bool value);

  // "u" + base64url(gzip(bitstring)).
  std::string Encode() const;

 private:
  std::string bytes_;
};

// GZIP in and out over zlib (exposed for tests). Decompress refuses output
// larger than max_bytes: error "invalid_status_list".
std::string GzipCompress(std::string_view data);
common::Result<std::string> GzipDecompress(std::string_view data, size_t max_bytes);

}  // namespace vc::credentials
