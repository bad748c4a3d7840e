#include "common/base/crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "common/base/base64url.h"

namespace vc::common {

namespace {

// One per thread; freed when the thread ends (before OpenSSL's own cleanup at
// exit, for the main thread).
struct DigestContext {
  EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~DigestContext() {
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
  }
};

}  // namespace

std::array<unsigned char, 32> Sha256Of(std::initializer_list<std::string_view> parts) {
  thread_local DigestContext c;
  std::array<unsigned char, 32> out{};
  unsigned int len = 0;
  bool ok = c.md != nullptr && c.ctx != nullptr && EVP_DigestInit_ex(c.ctx, c.md, nullptr) == 1;
  for (std::string_view part : parts) {
    ok = ok && EVP_DigestUpdate(c.ctx, part.data(), part.size()) == 1;
  }
  if (!ok || EVP_DigestFinal_ex(c.ctx, out.data(), &len) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  return out;
}

std::string Sha256(std::string_view data) {
  const auto digest = Sha256Of({data});
  return std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  std::string out(32, '\0');
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(data.data()), data.size(),
            reinterpret_cast<unsigned char*>(out.data()), &len)) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return out;
}

namespace {

struct MacCtxFree {
  void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, MacCtxFree>;

// Fetched once: a fetch per call is most of the one-shot HMAC()'s cost.
EVP_MAC* HmacAlgorithm() {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr);
  return mac;
}

}  // namespace

struct HmacSha256Key::Template {
  MacCtxPtr ctx;
};

HmacSha256Key::HmacSha256Key(std::string_view key) : template_(std::make_unique<Template>()) {
  EVP_MAC* mac = HmacAlgorithm();
  if (mac == nullptr) throw std::runtime_error("HMAC is not available");
  template_->ctx.reset(EVP_MAC_CTX_new(mac));
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_construct_end()};
  if (!template_->ctx ||
      1 != EVP_MAC_init(template_->ctx.get(), reinterpret_cast<const unsigned char*>(key.data()),
                        key.size(), params)) {
    throw std::runtime_error("HMAC-SHA256 setup failed");
  }
}

HmacSha256Key::~HmacSha256Key() = default;

std::string HmacSha256Key::Mac(std::string_view data) const {
  MacCtxPtr ctx(EVP_MAC_CTX_dup(template_->ctx.get()));
  std::string out(32, '\0');
  size_t len = 0;
  if (!ctx ||
      1 != EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(data.data()),
                          data.size()) ||
      1 != EVP_MAC_final(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len,
                         out.size()) ||
      len != out.size()) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return out;
}

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (n > 0 && 1 != RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n))) {
    throw std::runtime_error("the system random generator failed");
  }
  return out;
}

std::string RandomId(size_t bytes) { return Base64UrlEncode(RandomBytes(bytes)); }

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

}  // namespace vc::common
