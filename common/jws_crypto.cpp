#include "common/jws_crypto.h"

#include <openssl/rsa.h>

#include "common/crypto.h"
#include "common/es_signature.h"
#include "common/jws.h"
#include "common/openssl_ptr.h"

namespace vc::common::jws_crypto {
namespace {

constexpr size_t kEcHalfBytes = 32;  // P-256 and secp256k1
constexpr size_t kEd25519SignatureBytes = 64;
constexpr size_t kHs256SignatureBytes = 32;
constexpr int kPssSaltBytes = 32;  // RFC 7518 §3.5: salt as long as the hash

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// A digest-sign/verify context for `alg` over `key`; null on failure.
ossl::MdCtxPtr NewContext(const Jwk& key, JwsAlg alg, bool sign) {
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) return ctx;
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  const EVP_MD* md = alg == JwsAlg::kEdDSA ? nullptr : EVP_sha256();
  const int ok = sign ? EVP_DigestSignInit(ctx.get(), &pctx, md, nullptr, key.pkey())
                      : EVP_DigestVerifyInit(ctx.get(), &pctx, md, nullptr, key.pkey());
  if (1 != ok) return nullptr;
  if (alg == JwsAlg::kPS256 &&
      (1 != EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) ||
       1 != EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, kPssSaltBytes))) {
    return nullptr;
  }
  return ctx;
}

Error BadSignature(std::string message) {
  return MakeJoseError(JoseError::kInvalidSignature, std::move(message));
}

Error WrongLength(size_t got, size_t want) {
  return BadSignature("signature is " + std::to_string(got) + " bytes, expected " +
                      std::to_string(want));
}

}  // namespace

Result<std::string> Sign(const Jwk& key, JwsAlg alg, std::string_view input) {
  if (alg == JwsAlg::kHS256) return HmacSha256(key.secret(), input);
  ossl::MdCtxPtr ctx = NewContext(key, alg, true);
  std::string sig(static_cast<size_t>(EVP_PKEY_get_size(key.pkey())), '\0');
  size_t len = sig.size();
  if (!ctx || 1 != EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                                  Bytes(input), input.size())) {
    return MakeJoseError(JoseError::kKeyMismatch, "signing failed: " + ossl::DrainErrors());
  }
  sig.resize(len);
  if (alg != JwsAlg::kES256 && alg != JwsAlg::kES256K) return sig;
  auto raw = es_signature::DerToRaw(sig, kEcHalfBytes);
  if (!raw) return MakeJoseError(JoseError::kKeyMismatch, "OpenSSL returned a malformed ECDSA signature");
  return std::move(*raw);
}

Status Verify(const Jwk& key, JwsAlg alg, std::string_view input, std::string_view signature) {
  std::string der;  // ECDSA only
  switch (alg) {
    case JwsAlg::kHS256:
      if (signature.size() != kHs256SignatureBytes) {
        return WrongLength(signature.size(), kHs256SignatureBytes);
      }
      if (!ConstantTimeEquals(HmacSha256(key.secret(), input), signature)) {
        return BadSignature("HMAC does not match");
      }
      return Status::Ok();
    case JwsAlg::kRS256:
    case JwsAlg::kPS256: {
      const auto want = static_cast<size_t>(EVP_PKEY_get_size(key.pkey()));
      if (signature.size() != want) return WrongLength(signature.size(), want);
      break;
    }
    case JwsAlg::kES256:
    case JwsAlg::kES256K: {
      auto converted = es_signature::RawToDer(signature, kEcHalfBytes);
      if (!converted) return WrongLength(signature.size(), 2 * kEcHalfBytes);
      der = std::move(*converted);
      signature = der;
      break;
    }
    case JwsAlg::kEdDSA:
      if (signature.size() != kEd25519SignatureBytes) {
        return WrongLength(signature.size(), kEd25519SignatureBytes);
      }
      break;
  }
  ossl::MdCtxPtr ctx = NewContext(key, alg, false);
  const bool ok = ctx && 1 == EVP_DigestVerify(ctx.get(), Bytes(signature), signature.size(),
                                               Bytes(input), input.size());
  ERR_clear_error();  // a bad signature leaves entries we do not want on this thread
  if (!ok) return BadSignature("signature does not verify");
  return Status::Ok();
}

}  // namespace vc::common::jws_crypto
