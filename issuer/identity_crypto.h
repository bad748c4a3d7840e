// Protection of ID card numbers at rest: AES-256-GCM with a random 96-bit
// nonce per value and the record's (owner, name) as associated data, so a
// ciphertext copied to another record does not decrypt; and an HMAC-SHA256
// of the normalised number for lookups without decrypting.
#pragma once

#include <string>
#include <string_view>

#include "common/base/result.h"

namespace vc::issuer {

class IdentityCrypto {
 public:
  // Both keys are 32 random bytes (KeyStore::SecretOrCreate). Throws
  // std::invalid_argument on another length (a wiring mistake).
  IdentityCrypto(std::string aes_key, std::string hmac_key);

  // nonce(12) || ciphertext || tag(16).
  common::Result<std::string> Encrypt(std::string_view plaintext, std::string_view aad) const;
  // "decrypt_failed" when the tag, the key or the associated data do not match.
  common::Result<std::string> Decrypt(std::string_view sealed, std::string_view aad) const;
  // Lower-hex HMAC of the number with spaces removed and letters upper-cased.
  std::string LookupHmac(std::string_view id_number) const;

 private:
  std::string aes_key_;
  std::string hmac_key_;
};

}  // namespace vc::issuer
