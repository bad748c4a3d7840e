#include "common/jose/evp_key.h"

#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <stdexcept>
#include <vector>

namespace vc::common::evp_key {
namespace {

constexpr int kMinRsaBits = 2048;
// Larger moduli only make verification slower for whoever sends them.
constexpr int kMaxRsaBits = 8192;
constexpr size_t kMaxRsaExponentBytes = 8;

Error InvalidJwk(std::string message) { return MakeError("invalid_jwk", std::move(message)); }

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

ossl::BnPtr ToBn(std::string_view bytes) {
  ossl::BnPtr bn(BN_bin2bn(Bytes(bytes), static_cast<int>(bytes.size()), nullptr));
  if (!bn) throw std::bad_alloc();
  return bn;
}

// Unsigned big-endian bytes of a BIGNUM parameter; `width` pads to a fixed size
// (0 = minimal). Empty when the key lacks the parameter.
std::string GetBnParam(EVP_PKEY* key, const char* name, size_t width = 0) {
  BIGNUM* raw = nullptr;
  if (1 != EVP_PKEY_get_bn_param(key, name, &raw)) {
    ERR_clear_error();
    return {};
  }
  ossl::BnPtr bn(raw);
  const size_t size = width != 0 ? width : static_cast<size_t>(BN_num_bytes(bn.get()));
  std::string out(size, '\0');
  unsigned char* dst = reinterpret_cast<unsigned char*>(out.data());
  if (width != 0) {
    if (BN_bn2binpad(bn.get(), dst, static_cast<int>(width)) < 0) return {};
  } else {
    BN_bn2bin(bn.get(), dst);
  }
  return out;
}

// Runs EVP_PKEY_fromdata for `type` with the parameters pushed into `bld`.
Result<ossl::PkeyPtr> FromData(const char* type, OSSL_PARAM_BLD* bld, int selection) {
  ossl::ParamPtr params(OSSL_PARAM_BLD_to_param(bld));
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || 1 != EVP_PKEY_fromdata_init(ctx.get()) ||
      1 != EVP_PKEY_fromdata(ctx.get(), &raw, selection, params.get())) {
    return InvalidJwk(std::string(type) + " key rejected: " + ossl::DrainErrors());
  }
  return ossl::PkeyPtr(raw);
}

bool Check(EVP_PKEY* key, int (*check)(EVP_PKEY_CTX*)) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  const bool ok = ctx && 1 == check(ctx.get());
  ERR_clear_error();
  return ok;
}

}  // namespace

Result<ossl::PkeyPtr> FromRsa(const RsaMembers& m) {
  auto n = ToBn(m.n);
  auto e = ToBn(m.e);
  const int bits = BN_num_bits(n.get());
  if (bits < kMinRsaBits || bits > kMaxRsaBits) {
    return InvalidJwk("member \"n\": RSA modulus of " + std::to_string(bits) + " bits is outside " +
                      std::to_string(kMinRsaBits) + ".." + std::to_string(kMaxRsaBits));
  }
  if (m.e.size() > kMaxRsaExponentBytes || !BN_is_odd(e.get()) || BN_is_one(e.get())) {
    return InvalidJwk("member \"e\": not a usable RSA public exponent");
  }
  ossl::ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld) throw std::bad_alloc();
  std::vector<ossl::BnPtr> keep;  // the builder holds pointers until to_param
  auto push = [&](const char* name, std::string_view bytes) {
    keep.push_back(ToBn(bytes));
    return 1 == OSSL_PARAM_BLD_push_BN(bld.get(), name, keep.back().get());
  };
  bool ok = push(OSSL_PKEY_PARAM_RSA_N, m.n) && push(OSSL_PKEY_PARAM_RSA_E, m.e);
  const bool priv = !m.d.empty();
  if (priv) {
    // p * q must be n, or every signature would be garbage.
    ossl::BnPtr pq(BN_new());
    std::unique_ptr<BN_CTX, ossl::Deleter<BN_CTX_free>> bn_ctx(BN_CTX_new());
    if (!pq || !bn_ctx) throw std::bad_alloc();
    if (1 != BN_mul(pq.get(), ToBn(m.p).get(), ToBn(m.q).get(), bn_ctx.get()) ||
        0 != BN_cmp(pq.get(), n.get())) {
      return InvalidJwk("members \"p\" and \"q\" do not match \"n\"");
    }
    ok = ok && push(OSSL_PKEY_PARAM_RSA_D, m.d) && push(OSSL_PKEY_PARAM_RSA_FACTOR1, m.p) &&
         push(OSSL_PKEY_PARAM_RSA_FACTOR2, m.q) && push(OSSL_PKEY_PARAM_RSA_EXPONENT1, m.dp) &&
         push(OSSL_PKEY_PARAM_RSA_EXPONENT2, m.dq) && push(OSSL_PKEY_PARAM_RSA_COEFFICIENT1, m.qi);
  }
  if (!ok) throw std::bad_alloc();
  return FromData("RSA", bld.get(), priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY);
}

Result<ossl::PkeyPtr> FromEc(Curve curve, const EcMembers& m) {
  const char* group = curve == Curve::kP256 ? "P-256" : "secp256k1";
  std::string point;  // SEC1 uncompressed: 0x04 || x || y
  point.reserve(1 + 2 * kFieldBytes);
  point += '\x04';
  point += m.x;
  point += m.y;
  ossl::ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld) throw std::bad_alloc();
  ossl::BnPtr d;
  bool ok = 1 == OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) &&
            1 == OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                                  point.size());
  if (!m.d.empty()) {
    d = ToBn(m.d);
    ok = ok && 1 == OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get());
  }
  if (!ok) throw std::bad_alloc();
  const std::string off_curve =
      std::string("members \"x\",\"y\": the point is not on curve ") + group;
  auto key = FromData("EC", bld.get(), d ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY);
  // OpenSSL refuses most off-curve points while decoding; check explicitly in
  // any case, since an invalid-curve point can leak the private key in ECDH-like uses.
  if (!key) return InvalidJwk(off_curve + " (" + key.error().message + ")");
  if (!Check(key->get(), EVP_PKEY_public_check)) return InvalidJwk(off_curve);
  if (d && !Check(key->get(), EVP_PKEY_pairwise_check)) {
    return InvalidJwk("member \"d\" does not match \"x\",\"y\"");
  }
  return key;
}

Result<ossl::PkeyPtr> FromOkp(const OkpMembers& m) {
  ossl::PkeyPtr key;
  if (m.d.empty()) {
    key.reset(EVP_PKEY_new_raw_public_key_ex(nullptr, "ED25519", nullptr, Bytes(m.x), m.x.size()));
  } else {
    key.reset(EVP_PKEY_new_raw_private_key_ex(nullptr, "ED25519", nullptr, Bytes(m.d), m.d.size()));
  }
  if (!key) return InvalidJwk("Ed25519 key rejected: " + ossl::DrainErrors());
  if (!m.d.empty() && GetOkp(key.get(), false).x != m.x) {
    return InvalidJwk("member \"d\" does not match \"x\"");
  }
  return key;
}

RsaMembers GetRsa(EVP_PKEY* key, bool with_private) {
  RsaMembers m;
  m.n = GetBnParam(key, OSSL_PKEY_PARAM_RSA_N);
  m.e = GetBnParam(key, OSSL_PKEY_PARAM_RSA_E);
  if (with_private) {
    m.d = GetBnParam(key, OSSL_PKEY_PARAM_RSA_D);
    m.p = GetBnParam(key, OSSL_PKEY_PARAM_RSA_FACTOR1);
    m.q = GetBnParam(key, OSSL_PKEY_PARAM_RSA_FACTOR2);
    m.dp = GetBnParam(key, OSSL_PKEY_PARAM_RSA_EXPONENT1);
    m.dq = GetBnParam(key, OSSL_PKEY_PARAM_RSA_EXPONENT2);
    m.qi = GetBnParam(key, OSSL_PKEY_PARAM_RSA_COEFFICIENT1);
  }
  return m;
}

EcMembers GetEc(EVP_PKEY* key, bool with_private) {
  EcMembers m;
  m.x = GetBnParam(key, OSSL_PKEY_PARAM_EC_PUB_X, kFieldBytes);
  m.y = GetBnParam(key, OSSL_PKEY_PARAM_EC_PUB_Y, kFieldBytes);
  if (with_private) m.d = GetBnParam(key, OSSL_PKEY_PARAM_PRIV_KEY, kFieldBytes);
  return m;
}

OkpMembers GetOkp(EVP_PKEY* key, bool with_private) {
  OkpMembers m;
  size_t len = kFieldBytes;
  m.x.assign(kFieldBytes, '\0');
  if (1 != EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char*>(m.x.data()), &len)) {
    m.x.clear();
  }
  if (with_private) {
    len = kFieldBytes;
    m.d.assign(kFieldBytes, '\0');
    if (1 !=
        EVP_PKEY_get_raw_private_key(key, reinterpret_cast<unsigned char*>(m.d.data()), &len)) {
      m.d.clear();
    }
  }
  ERR_clear_error();
  return m;
}

std::optional<KeyKind> Identify(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "RSA")) return KeyKind{KeyType::kRsa, Curve::kNone};
  if (EVP_PKEY_is_a(key, "ED25519")) return KeyKind{KeyType::kOkp, Curve::kEd25519};
  if (EVP_PKEY_is_a(key, "EC")) {
    char group[64] = {};
    size_t len = 0;
    if (1 != EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                            &len)) {
      ERR_clear_error();
      return std::nullopt;
    }
    const std::string_view name(group, len);
    if (name == "prime256v1" || name == "P-256") return KeyKind{KeyType::kEc, Curve::kP256};
    if (name == "secp256k1") return KeyKind{KeyType::kEc, Curve::kSecp256k1};
  }
  return std::nullopt;
}

Result<PemKey> ReadPem(std::string_view pem) {
  // A callback that supplies no passphrase, so an encrypted key fails instead
  // of OpenSSL prompting on the terminal.
  pem_password_cb* no_passphrase = [](char*, int, int, void*) { return 0; };
  ossl::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) throw std::bad_alloc();
  PemKey out;
  if (pem.find("PUBLIC KEY-----") != std::string_view::npos) {
    out.key.reset(PEM_read_bio_PUBKEY(bio.get(), nullptr, no_passphrase, nullptr));
  } else {
    out.key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
    out.is_private = true;
  }
  if (!out.key) return MakeError("invalid_pem", "cannot read PEM key: " + ossl::DrainErrors());
  return out;
}

namespace {
Result<std::string> WritePem(EVP_PKEY* key, bool priv) {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) throw std::bad_alloc();
  const int ok =
      priv ? PEM_write_bio_PKCS8PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)
           : PEM_write_bio_PUBKEY(bio.get(), key);
  if (1 != ok) return MakeError("invalid_key", "cannot write PEM: " + ossl::DrainErrors());
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}
}  // namespace

Result<std::string> WritePublicPem(EVP_PKEY* key) { return WritePem(key, false); }
Result<std::string> WritePrivatePem(EVP_PKEY* key) { return WritePem(key, true); }

ossl::PkeyPtr PublicCopy(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(key, &der);
  if (len <= 0) throw std::runtime_error("cannot encode public key: " + ossl::DrainErrors());
  const unsigned char* p = der;
  ossl::PkeyPtr pub(d2i_PUBKEY(nullptr, &p, len));
  OPENSSL_free(der);
  if (!pub) throw std::runtime_error("cannot decode public key: " + ossl::DrainErrors());
  return pub;
}

}  // namespace vc::common::evp_key
