// Small cryptographic utilities over OpenSSL: digests, HMAC, randomness and
// constant-time comparison. Signatures and keys live in jwk.h / jws.h.
#pragma once

#include <string>
#include <string_view>

namespace vc::common {

std::string Sha256(std::string_view data);                            // 32 raw bytes
std::string HmacSha256(std::string_view key, std::string_view data);  // 32 raw bytes

// Cryptographically secure random bytes (RAND_bytes); throws std::runtime_error
// if the generator fails, which only happens when the system is broken.
std::string RandomBytes(size_t n);

// A random identifier: `bytes` random bytes, base64url encoded.
std::string RandomId(size_t bytes = 16);

// Compares without an early exit, so timing says nothing about where two
// secrets differ. Different lengths compare unequal (the length is not secret).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

std::string HexEncode(std::string_view bytes);

}  // namespace vc::common
