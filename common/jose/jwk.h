// JSON Web Keys (RFC 7517/7518/8037): import and export of RSA, EC (P-256,
// secp256k1), OKP (Ed25519) and symmetric (oct) keys, public and private; key
// generation; PEM conversion; RFC 7638 thumbprints; JWK Sets.
#pragma once

#include <rapidjson/document.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/crypto.h"
#include "common/base/result.h"

struct evp_pkey_st;  // EVP_PKEY, kept out of this header

namespace vc::common {

enum class JwsAlg { kRS256, kPS256, kES256, kES256K, kEdDSA, kHS256 };

std::string_view AlgName(JwsAlg alg);                   // "RS256", …
std::optional<JwsAlg> ParseAlg(std::string_view name);  // exact, case-sensitive; never "none"

enum class KeyType { kRsa, kEc, kOkp, kOct };
enum class Curve { kNone, kP256, kSecp256k1, kEd25519 };

// An immutable key. Copies share the underlying OpenSSL key, which is safe to
// use for signing and verifying from several threads at once.
class Jwk {
 public:
  // From a parsed JWK object. Public members are required; private members are
  // taken when present (all of them for RSA: d, p, q, dp, dq, qi; `d` for EC/OKP).
  // An EC point is checked to be on its curve, a private part against the
  // public one; EC/OKP members must be exactly 32 bytes; RSA moduli must be
  // 2048..8192 bits; "alg", when present, must be one we support and fit the
  // key. Error code "invalid_jwk" with the member at fault in the message.
  static Result<Jwk> FromJson(const rapidjson::Value& jwk);
  static Result<Jwk> FromJsonText(std::string_view text);
  // From PEM: PKCS#8 / traditional private key, or SubjectPublicKeyInfo.
  // Error code "invalid_pem" (also for encrypted keys: no passphrase prompt).
  static Result<Jwk> FromPem(std::string_view pem);
  // A fresh key for `alg`: RSA 2048 for RS256/PS256, P-256, secp256k1, Ed25519,
  // 32 random bytes for HS256. Throws std::runtime_error if OpenSSL fails.
  static Jwk Generate(JwsAlg alg);
  // A symmetric key (HS256) from raw bytes. HS256 needs at least 32 bytes
  // (RFC 7518 §3.2); a shorter secret is not CompatibleWith(kHS256).
  static Jwk FromSecret(std::string secret);

  KeyType type() const { return type_; }
  Curve curve() const { return curve_; }
  bool has_private() const { return has_private_; }
  // "kid" and "alg" as given in the imported JWK (empty / nullopt if absent).
  const std::string& kid() const { return kid_; }
  Jwk WithKid(std::string kid) const;
  // The same key, restricted to (and published with) "alg".
  Jwk WithAlg(JwsAlg alg) const;
  std::optional<JwsAlg> alg() const { return alg_; }

  // True when this key can be used with `alg` (RSA ↔ RS256/PS256, P-256 ↔ ES256,
  // secp256k1 ↔ ES256K, Ed25519 ↔ EdDSA, oct ↔ HS256), and the JWK's own "alg",
  // when it has one, is the same.
  bool CompatibleWith(JwsAlg alg) const;

  // JSON with the public members only (and "kid" and "alg" when set) / with
  // private members too. Members are written in RFC 7638 order, then private
  // ones, then kid, alg. An oct key's public JSON is {"kty":"oct"} (+kid/alg):
  // the secret "k" appears only in ToPrivateJson.
  std::string ToPublicJson() const;
  std::string ToPrivateJson() const;
  // PEM: SubjectPublicKeyInfo, or PKCS#8 for the private key. Not for oct keys
  // nor (private) for public-only keys: error code "invalid_key".
  Result<std::string> ToPublicPem() const;
  Result<std::string> ToPrivatePem() const;

  // RFC 7638 SHA-256 thumbprint, base64url: the required public members only,
  // in lexicographic order, no whitespace.
  std::string Thumbprint() const;

  // The same key without its private part. An oct key is returned unchanged:
  // a symmetric key has no public half.
  Jwk PublicOnly() const;

  // For jws.cpp: the OpenSSL key (nullptr for oct), the raw secret (oct only)
  // and its HMAC context, set up once per key (nullptr for other types).
  evp_pkey_st* pkey() const { return pkey_.get(); }
  const std::string& secret() const { return secret_; }
  const HmacSha256Key* hmac() const { return hmac_.get(); }

 private:
  Jwk() = default;
  std::shared_ptr<evp_pkey_st> pkey_;
  std::string secret_;
  std::shared_ptr<const HmacSha256Key> hmac_;  // shared by copies, like pkey_
  KeyType type_ = KeyType::kOct;
  Curve curve_ = Curve::kNone;
  bool has_private_ = false;
  std::string kid_;
  std::optional<JwsAlg> alg_;
};

// A JWK Set (RFC 7517 §5). Keys that fail to import are skipped (and counted),
// as §5 requires, so one odd key at an RP does not lock out the others.
class Jwks {
 public:
  // {"keys":[…]}; error code "invalid_jwks" if the document itself is wrong.
  static Result<Jwks> FromJsonText(std::string_view text);
  void Add(Jwk key) { keys_.push_back(std::move(key)); }
  const std::vector<Jwk>& keys() const { return keys_; }
  size_t skipped() const { return skipped_; }
  // The key whose kid equals `kid`, or nullptr.
  const Jwk* FindByKid(std::string_view kid) const;
  // {"keys":[…]} with public members only; oct keys are left out.
  std::string ToPublicJson() const;

 private:
  std::vector<Jwk> keys_;
  size_t skipped_ = 0;
};

}  // namespace vc::common
