// Internal to common/ (jwk.cpp and jws_crypto.cpp): building OpenSSL keys from
// JWK member bytes and reading them back, over the OpenSSL 3 EVP/OSSL_PARAM
// APIs only. Byte strings are unsigned big-endian, as JWK members decode.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/base/openssl_ptr.h"
#include "common/base/result.h"
#include "common/jose/jwk.h"

namespace vc::common::evp_key {

// Size of a P-256 / secp256k1 coordinate or scalar, and of an Ed25519 key.
constexpr size_t kFieldBytes = 32;

struct RsaMembers {
  std::string n, e;                 // public
  std::string d, p, q, dp, dq, qi;  // private; all empty for a public key
};
struct EcMembers {
  std::string x, y;  // kFieldBytes each
  std::string d;     // kFieldBytes, or empty for a public key
};
struct OkpMembers {
  std::string x;  // kFieldBytes
  std::string d;  // kFieldBytes, or empty for a public key
};

// Key construction. Errors carry code "invalid_jwk" and name the member at
// fault: RSA modulus outside 2048..8192 bits, EC point off the curve, a private
// part that does not match the public one.
Result<ossl::PkeyPtr> FromRsa(const RsaMembers& m);
Result<ossl::PkeyPtr> FromEc(Curve curve, const EcMembers& m);
Result<ossl::PkeyPtr> FromOkp(const OkpMembers& m);

// Reading members back. Private members are filled only when `with_private`
// and the key has them. EC and OKP members are kFieldBytes wide.
RsaMembers GetRsa(EVP_PKEY* key, bool with_private);
EcMembers GetEc(EVP_PKEY* key, bool with_private);
OkpMembers GetOkp(EVP_PKEY* key, bool with_private);

// What kind of key OpenSSL holds; nullopt for anything jwk.h does not support.
struct KeyKind {
  KeyType type;
  Curve curve;
};
std::optional<KeyKind> Identify(EVP_PKEY* key);

// PEM in: a private key (PKCS#8 or traditional, never prompting for a
// passphrase) or a SubjectPublicKeyInfo. Code "invalid_pem".
struct PemKey {
  ossl::PkeyPtr key;
  bool is_private = false;
};
Result<PemKey> ReadPem(std::string_view pem);
// PEM out: SubjectPublicKeyInfo / unencrypted PKCS#8. Code "invalid_key".
Result<std::string> WritePublicPem(EVP_PKEY* key);
Result<std::string> WritePrivatePem(EVP_PKEY* key);

// A new key holding only the public half of `key` (via SubjectPublicKeyInfo).
ossl::PkeyPtr PublicCopy(EVP_PKEY* key);

}  // namespace vc::common::evp_key
