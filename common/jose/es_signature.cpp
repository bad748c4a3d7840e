#include "common/jose/es_signature.h"

#include <openssl/ecdsa.h>

#include "common/base/openssl_ptr.h"

namespace vc::common::es_signature {

std::optional<std::string> DerToRaw(std::string_view der, size_t half_bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ossl::EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) {
    ERR_clear_error();
    return std::nullopt;
  }
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  std::string raw(2 * half_bytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  const int width = static_cast<int>(half_bytes);
  if (BN_bn2binpad(r, out, width) != width || BN_bn2binpad(s, out + half_bytes, width) != width) {
    return std::nullopt;
  }
  return raw;
}

std::optional<std::string> RawToDer(std::string_view raw, size_t half_bytes) {
  if (raw.size() != 2 * half_bytes) return std::nullopt;
  const auto* in = reinterpret_cast<const unsigned char*>(raw.data());
  const int width = static_cast<int>(half_bytes);
  ossl::BnPtr r(BN_bin2bn(in, width, nullptr));
  ossl::BnPtr s(BN_bin2bn(in + half_bytes, width, nullptr));
  ossl::EcdsaSigPtr sig(ECDSA_SIG_new());
  if (!r || !s || !sig || 1 != ECDSA_SIG_set0(sig.get(), r.get(), s.get())) return std::nullopt;
  r.release();  // now owned by sig
  s.release();
  unsigned char* der = nullptr;
  const int len = i2d_ECDSA_SIG(sig.get(), &der);
  if (len <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

}  // namespace vc::common::es_signature
