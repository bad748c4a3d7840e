#include "common/base/aead.h"

#include <memory>

#include "common/base/crypto.h"
#include "common/base/openssl_ptr.h"

namespace vc::common {
namespace {

using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, ossl::Deleter<EVP_CIPHER_CTX_free>>;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

Result<std::string> SealAesGcm(std::string_view key, std::string_view plaintext,
                               std::string_view aad) {
  const Error failed{"encrypt_failed", "AES-GCM encryption failed"};
  if (key.size() != kAesGcmKeyBytes) return failed;
  const std::string nonce = RandomBytes(kNonceBytes);
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  std::string out(kNonceBytes + plaintext.size() + kTagBytes, '\0');
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  int len = 0;
  if (!ctx ||
      1 != EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key), Bytes(nonce)) ||
      1 != EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) ||
      1 != EVP_EncryptUpdate(ctx.get(), dst + kNonceBytes, &len, Bytes(plaintext),
                             static_cast<int>(plaintext.size()))) {
    ERR_clear_error();
    return failed;
  }
  const int total = len;
  if (1 != EVP_EncryptFinal_ex(ctx.get(), dst + kNonceBytes + total, &len) ||
      1 != EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                               dst + kNonceBytes + plaintext.size())) {
    ERR_clear_error();
    return failed;
  }
  out.replace(0, kNonceBytes, nonce);
  return out;
}

Result<std::string> OpenAesGcm(std::string_view key, std::string_view sealed,
                               std::string_view aad) {
  const Error failed{"decrypt_failed", "the stored value does not decrypt"};
  if (key.size() != kAesGcmKeyBytes || sealed.size() < kNonceBytes + kTagBytes) return failed;
  const std::string_view nonce = sealed.substr(0, kNonceBytes);
  const std::string_view body = sealed.substr(kNonceBytes, sealed.size() - kNonceBytes - kTagBytes);
  std::string tag(sealed.substr(sealed.size() - kTagBytes));
  std::string out(body.size(), '\0');
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (!ctx ||
      1 != EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key), Bytes(nonce)) ||
      1 != EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) ||
      1 != EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len,
                             Bytes(body), static_cast<int>(body.size())) ||
      1 != EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) ||
      1 != EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + len,
                               &len)) {
    ERR_clear_error();
    return failed;
  }
  return out;
}

}  // namespace vc::common
