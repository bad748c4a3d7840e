#include "credentials/token_status_list.h"

#include <zlib.h>

#include <stdexcept>

#include "common/base/base64url.h"
#include "common/base/json.h"
#include "common/jose/jws.h"
#include "common/jose/jwt.h"
#include "credentials/vc_jwt.h"

namespace vc::credentials {
using common::Error;
using common::Result;

namespace {

constexpr const char* kInvalidList = "invalid_status_list";
constexpr const char* kInvalidToken = "invalid_status_list_token";

bool ValidBits(int bits) { return bits == 1 || bits == 2 || bits == 4 || bits == 8; }

Error TokenError(const std::string& why) { return Error{kInvalidToken, why}; }

}  // namespace

TokenStatusList::TokenStatusList(size_t entries, int bits) : bits_(bits) {
  if (!ValidBits(bits)) throw std::invalid_argument("status list bits must be 1, 2, 4 or 8");
  bytes_.assign((entries * static_cast<size_t>(bits) + 7) / 8, '\0');
}

uint8_t TokenStatusList::Get(size_t index) const {
  if (index >= size()) return 0;
  const size_t bit = index * static_cast<size_t>(bits_);
  const auto byte = static_cast<unsigned>(static_cast<unsigned char>(bytes_[bit / 8]));
  const unsigned mask = (1u << bits_) - 1u;
  return static_cast<uint8_t>((byte >> (bit % 8)) & mask);
}

void TokenStatusList::Set(size_t index, uint8_t status) {
  if (index >= size()) return;
  const size_t bit = index * static_cast<size_t>(bits_);
  const unsigned mask = ((1u << bits_) - 1u) << (bit % 8);
  auto byte = static_cast<unsigned>(static_cast<unsigned char>(bytes_[bit / 8]));
  byte = (byte & ~mask) | ((static_cast<unsigned>(status) << (bit % 8)) & mask);
  bytes_[bit / 8] = static_cast<char>(byte);
}

std::string TokenStatusList::EncodeLst() const {
  return common::Base64UrlEncode(ZlibCompress(bytes_));
}

std::string TokenStatusList::ToJson() const {
  common::JsonWriter w;
  w->StartObject();
  w.Member("bits", bits_);
  w.Member("lst", EncodeLst());
  w->EndObject();
  return w.str();
}

Result<TokenStatusList> TokenStatusList::Decode(int bits, std::string_view lst) {
  if (!ValidBits(bits)) return Error{kInvalidList, "bits must be 1, 2, 4 or 8"};
  auto compressed = common::Base64UrlDecode(lst);
  if (!compressed) return Error{kInvalidList, "lst is not base64url"};
  auto raw = ZlibDecompress(*compressed, kMaxBytes);
  if (!raw) return raw.error();
  if (raw->empty()) return Error{kInvalidList, "lst is empty"};
  TokenStatusList list(0, bits);
  list.bytes_ = std::move(*raw);
  return list;
}

Result<TokenStatusList> TokenStatusList::FromJson(const rapidjson::Value& status_list) {
  if (!status_list.IsObject()) return Error{kInvalidList, "status_list is not an object"};
  auto bits = common::GetInt64(status_list, "bits");
  auto lst = common::GetString(status_list, "lst");
  if (!bits || !lst) return Error{kInvalidList, "status_list needs integer bits and string lst"};
  if (*bits < 1 || *bits > 8) return Error{kInvalidList, "bits must be 1, 2, 4 or 8"};
  return Decode(static_cast<int>(*bits), *lst);
}

std::string ZlibCompress(std::string_view data) {
  uLongf size = compressBound(static_cast<uLong>(data.size()));
  std::string out(size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(out.data()), &size,
                reinterpret_cast<const Bytef*>(data.data()), static_cast<uLong>(data.size()),
                Z_BEST_COMPRESSION) != Z_OK) {
    throw std::runtime_error("zlib compress2 failed");
  }
  out.resize(size);
  return out;
}

Result<std::string> ZlibDecompress(std::string_view data, size_t max_bytes) {
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) return Error{kInvalidList, "inflateInit failed"};
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char chunk[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(chunk);
    zs.avail_out = sizeof(chunk);
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(chunk, sizeof(chunk) - zs.avail_out);
    if (out.size() > max_bytes) rc = Z_MEM_ERROR;
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) return Error{kInvalidList, "lst is not valid zlib data"};
  return out;
}

Result<std::string> IssueStatusListToken(const StatusListTokenClaims& claims,
                                         const TokenStatusList& list, const common::Jwk& key,
                                         common::JwsAlg alg, const std::string& kid) {
  common::JsonWriter w;
  w->StartObject();
  if (!claims.iss.empty()) w.Member("iss", claims.iss);
  w.Member("sub", claims.sub);
  w.Member("iat", claims.iat);
  if (claims.exp > 0) w.Member("exp", claims.exp);
  if (claims.ttl > 0) w.Member("ttl", claims.ttl);
  w->Key("status_list");
  const std::string status_list = list.ToJson();
  w->RawValue(status_list.data(), status_list.size(), rapidjson::kObjectType);
  w->EndObject();
  return common::SignCompact(key, alg, w.str(), {"statuslist+jwt", kid, ""});
}

Result<VerifiedStatusListToken> VerifyStatusListToken(std::string_view jwt, const common::Jwk& key,
                                                      const std::string& expected_uri,
                                                      int64_t now) {
  auto token = common::VerifyCompact(jwt, key, kCredentialAlgs, 256 * 1024);
  if (!token) return token.error();
  if (token->typ != "statuslist+jwt") return TokenError("typ is not statuslist+jwt");
  auto payload = common::ParseJsonObject(token->payload, {256 * 1024, 8});
  if (!payload) return TokenError("the payload is not a JSON object");
  common::ClaimPolicy policy;
  policy.now = now;
  policy.require_exp = false;
  policy.required = {"sub", "iat", "status_list"};
  if (auto c = common::CheckClaims(*payload, policy); !c) return TokenError(c.error().message);
  VerifiedStatusListToken out;
  out.claims.sub = std::string(common::GetString(*payload, "sub").value_or(""));
  if (out.claims.sub != expected_uri) return TokenError("sub is not the status list's uri");
  out.claims.iss = std::string(common::GetString(*payload, "iss").value_or(""));
  out.claims.iat = common::GetNumericDate(*payload, "iat").value_or(0);
  out.claims.exp = common::GetNumericDate(*payload, "exp").value_or(0);
  out.claims.ttl = common::GetInt64(*payload, "ttl").value_or(0);
  const rapidjson::Value* status_list = common::GetObject(*payload, "status_list");
  if (!status_list) return TokenError("status_list is not an object");
  auto list = TokenStatusList::FromJson(*status_list);
  if (!list) return TokenError(list.error().message);
  out.list = std::move(*list);
  return out;
}

}  // namespace vc::credentials
