#include "issuer/alibaba_signer.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <vector>

#include "common/base/base64url.h"
#include "common/base/crypto.h"
#include "common/base/text.h"

namespace vc::issuer {
namespace {

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

// Sorted by encoded name (byte order), "name=value" joined with '&'.
std::string CanonicalQuery(const common::NameValueList& params) {
  std::vector<std::pair<std::string, std::string>> encoded;
  for (const auto& [k, v] : params) encoded.emplace_back(AliyunEncode(k), AliyunEncode(v));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [k, v] : encoded) {
    if (!out.empty()) out += '&';
    out += k + "=" + v;
  }
  return out;
}

std::string HmacSha1(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len);
  return std::string(reinterpret_cast<const char*>(md), len);
}

}  // namespace

std::string AliyunEncode(std::string_view raw) { return common::PercentEncode(raw); }

Acs3Signature SignAcs3(const Acs3Request& r, std::string_view access_key_id,
                       std::string_view access_key_secret) {
  std::map<std::string, std::vector<std::string>> signed_values;
  for (const auto& [name, value] : r.headers) {
    const std::string lower = common::AsciiLower(name);
    if (lower == "host" || lower == "content-type" || lower.rfind("x-acs-", 0) == 0) {
      signed_values[lower].push_back(Trim(value));
    }
  }
  Acs3Signature s;
  std::string canonical_headers;
  for (auto& [name, values] : signed_values) {
    std::sort(values.begin(), values.end());
    std::string joined;
    for (const auto& v : values) joined += (joined.empty() ? "" : ",") + v;
    canonical_headers += name + ":" + joined + "\n";
    s.signed_headers += (s.signed_headers.empty() ? "" : ";") + name;
  }
  s.canonical_request = r.method + "\n" + (r.path.empty() ? "/" : r.path) + "\n" +
                        CanonicalQuery(r.query) + "\n" + canonical_headers + "\n" +
                        s.signed_headers + "\n" + r.payload_hash_hex;
  s.string_to_sign = "ACS3-HMAC-SHA256\n" + common::HexEncode(common::Sha256(s.canonical_request));
  s.signature = common::HexEncode(common::HmacSha256(access_key_secret, s.string_to_sign));
  s.authorization = "ACS3-HMAC-SHA256 Credential=" + std::string(access_key_id) +
                    ",SignedHeaders=" + s.signed_headers + ",Signature=" + s.signature;
  return s;
}

std::string RpcStringToSign(std::string_view method, const common::NameValueList& params) {
  return std::string(method) + "&" + AliyunEncode("/") + "&" + AliyunEncode(CanonicalQuery(params));
}

std::string RpcSignature(std::string_view method, const common::NameValueList& params,
                         std::string_view access_key_secret) {
  return common::Base64Encode(
      HmacSha1(std::string(access_key_secret) + "&", RpcStringToSign(method, params)));
}

}  // namespace vc::issuer
