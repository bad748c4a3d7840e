#include "issuer/identity_crypto.h"

#include <cctype>
#include <memory>
#include <stdexcept>

#include "common/base/crypto.h"
#include "common/base/openssl_ptr.h"

namespace vc::issuer {
namespace {

using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, common::ossl::Deleter<EVP_CIPHER_CTX_free>>;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

IdentityCrypto::IdentityCrypto(std::string aes_key, std::string hmac_key)
    : aes_key_(std::move(aes_key)), hmac_key_(std::move(hmac_key)) {
  if (aes_key_.size() != 32 || hmac_key_.size() < 32) {
    throw std::invalid_argument("identity keys must be 32 bytes");
  }
}

common::Result<std::string> IdentityCrypto::Encrypt(std::string_view plaintext,
                                                    std::string_view aad) const {
  const std::string nonce = common::RandomBytes(kNonceBytes);
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  std::string out(kNonceBytes + plaintext.size() + kTagBytes, '\0');
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  int len = 0;
  int total = 0;
  if (!ctx ||
      1 != EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(aes_key_),
                              Bytes(nonce)) ||
      1 != EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) ||
      1 != EVP_EncryptUpdate(ctx.get(), dst + kNonceBytes, &len, Bytes(plaintext),
                             static_cast<int>(plaintext.size()))) {
    return common::Error{"encrypt_failed", "AES-GCM encryption failed"};
  }
  total = len;
  if (1 != EVP_EncryptFinal_ex(ctx.get(), dst + kNonceBytes + total, &len) ||
      1 != EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                               dst + kNonceBytes + plaintext.size())) {
    return common::Error{"encrypt_failed", "AES-GCM encryption failed"};
  }
  out.replace(0, kNonceBytes, nonce);
  return out;
}

common::Result<std::string> IdentityCrypto::Decrypt(std::string_view sealed,
                                                    std::string_view aad) const {
  const common::Error failed{"decrypt_failed", "the stored value does not decrypt"};
  if (sealed.size() < kNonceBytes + kTagBytes) return failed;
  const std::string_view nonce = sealed.substr(0, kNonceBytes);
  const std::string_view body = sealed.substr(kNonceBytes, sealed.size() - kNonceBytes - kTagBytes);
  std::string tag(sealed.substr(sealed.size() - kTagBytes));
  std::string out(body.size(), '\0');
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (!ctx ||
      1 != EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(aes_key_),
                              Bytes(nonce)) ||
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

std::string IdentityCrypto::LookupHmac(std::string_view id_number) const {
  std::string norm;
  for (char c : id_number) {
    if (c != ' ') norm += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return common::HexEncode(common::HmacSha256(hmac_key_, norm));
}

}  // namespace vc::issuer
