#include "issuer/identity_crypto.h"

#include <cctype>
#include <memory>
#include <stdexcept>

#include "common/base/aead.h"
#include "common/base/crypto.h"

namespace vc::issuer {

IdentityCrypto::IdentityCrypto(std::string aes_key, std::string hmac_key)
    : aes_key_(std::move(aes_key)), hmac_key_(std::move(hmac_key)) {
  if (aes_key_.size() != 32 || hmac_key_.size() < 32) {
    throw std::invalid_argument("identity keys must be 32 bytes");
  }
}

common::Result<std::string> IdentityCrypto::Encrypt(std::string_view plaintext,
                                                    std::string_view aad) const {
  return common::SealAesGcm(aes_key_, plaintext, aad);
}

common::Result<std::string> IdentityCrypto::Decrypt(std::string_view sealed,
                                                    std::string_view aad) const {
  return common::OpenAesGcm(aes_key_, sealed, aad);
}

std::string IdentityCrypto::LookupHmac(std::string_view id_number) const {
  std::string norm;
  for (char c : id_number) {
    if (c != ' ') norm += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return common::HexEncode(common::HmacSha256(hmac_key_, norm));
}

}  // namespace vc::issuer
