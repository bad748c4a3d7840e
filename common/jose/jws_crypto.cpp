#include "common/jose/internal/jws_crypto.h"

#include <openssl/rsa.h>

#include <array>

#include "common/base/crypto.h"
#include "common/base/openssl_ptr.h"
#include "common/jose/es_signature.h"
#include "common/jose/jose_error.h"

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
  if (alg == JwsAlg::kPS256 && (1 != EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) ||
                                1 != EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, kPssSaltBytes))) {
    return nullptr;
  }
  return ctx;
}

// SHA-256 fetched once: an implicit fetch on every digest costs about as much
// as hashing a token. EVP_MD objects are immutable and safe to share.
const EVP_MD* Sha256Md() {
  static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

// A verification context (EVP_PKEY_verify over a digest) for RSA and ECDSA.
// Setting one up costs ~5 us in OpenSSL 3.0 (provider fetches under a lock),
// a sixth of an RSA-2048 verification, so each thread keeps the contexts of the
// last few keys it verified with. Nothing is shared between threads. A context
// holds a reference to its key, so a cached key's address cannot be reused by
// another key while the entry lives.
EVP_PKEY_CTX* CachedVerifyContext(const Jwk& key, JwsAlg alg) {
  struct Entry {
    const EVP_PKEY* key = nullptr;
    JwsAlg alg = JwsAlg::kRS256;
    ossl::PkeyCtxPtr ctx;
  };
  thread_local std::array<Entry, 8> cache;
  thread_local size_t next = 0;
  for (auto& e : cache) {
    if (e.key == key.pkey() && e.alg == alg) return e.ctx.get();
  }
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.pkey(), nullptr));
  if (!ctx || 1 != EVP_PKEY_verify_init(ctx.get()) ||
      1 != EVP_PKEY_CTX_set_signature_md(ctx.get(), Sha256Md())) {
    return nullptr;
  }
  if (alg == JwsAlg::kPS256 &&
      (1 != EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PSS_PADDING) ||
       1 != EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx.get(), kPssSaltBytes))) {
    return nullptr;
  }
  Entry& slot = cache[next++ % cache.size()];
  slot = Entry{key.pkey(), alg, std::move(ctx)};
  return slot.ctx.get();
}

// RSA / ECDSA: hash, then verify the digest with the thread's cached context.
bool VerifyDigest(const Jwk& key, JwsAlg alg, std::string_view input, std::string_view sig) {
  EVP_PKEY_CTX* ctx = CachedVerifyContext(key, alg);
  if (ctx == nullptr) return false;
  const auto digest = Sha256Of({input});
  return 1 == EVP_PKEY_verify(ctx, Bytes(sig), sig.size(), digest.data(), digest.size());
}

Error BadSignature(std::string message) {
  return MakeJoseError(JoseError::kInvalidSignature, std::move(message));
}

std::string Hs256(const Jwk& key, std::string_view input) {
  return key.hmac() != nullptr ? key.hmac()->Mac(input) : HmacSha256(key.secret(), input);
}

Error WrongLength(size_t got, size_t want) {
  return BadSignature("signature is " + std::to_string(got) + " bytes, expected " +
                      std::to_string(want));
}

}  // namespace

Result<std::string> Sign(const Jwk& key, JwsAlg alg, std::string_view input) {
  if (alg == JwsAlg::kHS256) return Hs256(key, input);
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
  if (!raw) {
    return MakeJoseError(JoseError::kKeyMismatch, "OpenSSL returned a malformed ECDSA signature");
  }
  return std::move(*raw);
}

Status Verify(const Jwk& key, JwsAlg alg, std::string_view input, std::string_view signature) {
  std::string der;  // ECDSA only
  switch (alg) {
    case JwsAlg::kHS256:
      if (signature.size() != kHs256SignatureBytes) {
        return WrongLength(signature.size(), kHs256SignatureBytes);
      }
      if (!ConstantTimeEquals(Hs256(key, input), signature)) {
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
  bool ok = false;
  if (alg == JwsAlg::kEdDSA) {  // one-shot over the message: no digest, no reuse
    ossl::MdCtxPtr ctx = NewContext(key, alg, false);
    ok = ctx && 1 == EVP_DigestVerify(ctx.get(), Bytes(signature), signature.size(), Bytes(input),
                                      input.size());
  } else {
    ok = VerifyDigest(key, alg, input, signature);
  }
  ERR_clear_error();  // a bad signature leaves entries we do not want on this thread
  if (!ok) return BadSignature("signature does not verify");
  return Status::Ok();
}

}  // namespace vc::common::jws_crypto
