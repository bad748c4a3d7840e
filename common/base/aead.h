// AES-256-GCM with a random 96-bit nonce per value, and associated data that
// binds a ciphertext to where it belongs (so a value copied elsewhere does not
// open). Used for ID numbers at rest (issuer/identity_crypto.h) and for the
// signing keys and secrets sealed in the database under the key-encryption key
// (common/store/sealed_key_records.h).
#pragma once

#include <string>
#include <string_view>

#include "common/base/result.h"

namespace vc::common {

inline constexpr size_t kAesGcmKeyBytes = 32;

// nonce(12) || ciphertext || tag(16). "encrypt_failed" only when OpenSSL fails
// or the key is not 32 bytes.
Result<std::string> SealAesGcm(std::string_view key, std::string_view plaintext,
                               std::string_view aad);
// "decrypt_failed" when the tag, the key or the associated data do not match.
Result<std::string> OpenAesGcm(std::string_view key, std::string_view sealed, std::string_view aad);

}  // namespace vc::common
