// Small cryptographic utilities over OpenSSL: digests, HMAC, randomness and
// constant-time comparison. Signatures and keys live in jwk.h / jws.h.
#pragma once

#include <array>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

namespace vc::common {

std::string Sha256(std::string_view data);  // 32 raw bytes
// SHA-256 of the parts one after the other, without joining them or
// allocating. Both reuse a digest context per thread: the one-shot
// EVP_Digest() sets one up and looks SHA-256 up for every call, several times
// the cost of hashing a short input.
std::array<unsigned char, 32> Sha256Of(std::initializer_list<std::string_view> parts);
std::string HmacSha256(std::string_view key, std::string_view data);  // 32 raw bytes

// HMAC-SHA256 under one key, for a key used on every request (HS256 bearer
// tokens): the MAC context is set up once and copied per message, which is a
// seventh of the one-shot call's cost. Thread-safe.
class HmacSha256Key {
 public:
  explicit HmacSha256Key(std::string_view key);
  ~HmacSha256Key();
  HmacSha256Key(const HmacSha256Key&) = delete;
  HmacSha256Key& operator=(const HmacSha256Key&) = delete;

  std::string Mac(std::string_view data) const;  // 32 raw bytes

 private:
  struct Template;
  std::unique_ptr<Template> template_;
};

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
