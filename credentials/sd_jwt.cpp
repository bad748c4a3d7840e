// SD-JWT issuance, disclosures, serialization and key binding; verification
// is in sd_jwt_verify.cpp.
#include "credentials/sd_jwt.h"

#include <algorithm>
#include <array>

#include "common/base/base64url.h"
#include "common/base/crypto.h"
#include "common/base/json.h"

namespace vc::credentials {
using common::Error;
using common::Result;

namespace {

constexpr size_t kMaxSdJwtBytes = 64 * 1024;

SdJwtFailure Malformed(std::string why) { return {SdJwtError::kMalformed, std::move(why)}; }

}  // namespace

std::string_view Code(SdJwtError e) {
  static constexpr std::array<std::string_view, 11> kCodes = {
      "malformed_sd_jwt",   "invalid_signature",    "wrong_type",         "invalid_claims",
      "unsupported_sd_alg", "invalid_disclosure",   "duplicate_digest",   "unreferenced_disclosure",
      "claim_conflict",     "key_binding_required", "invalid_key_binding"};
  return kCodes[static_cast<size_t>(e)];
}

std::string SdDigest(std::string_view text) {
  return common::Base64UrlEncode(common::Sha256(text));
}

Disclosure MakeDisclosure(std::string_view name, std::string_view value_json) {
  return MakeDisclosure(common::Base64UrlEncode(common::RandomBytes(16)), name, value_json);
}

Disclosure MakeDisclosure(std::string salt, std::string_view name, std::string_view value_json) {
  common::JsonWriter w;
  w->StartArray();
  w.String(salt);
  w.String(name);
  w->RawValue(value_json.data(), value_json.size(), rapidjson::kObjectType);
  w->EndArray();
  Disclosure d;
  d.encoded = common::Base64UrlEncode(w.str());
  d.salt = std::move(salt);
  d.name = std::string(name);
  d.value_json = std::string(value_json);
  d.digest = SdDigest(d.encoded);
  return d;
}

SdJwtResult<Disclosure> ParseDisclosure(std::string_view encoded) {
  const auto bad = [](const std::string& why) {
    return SdJwtFailure{SdJwtError::kInvalidDisclosure, "disclosure: " + why};
  };
  auto json = common::Base64UrlDecode(encoded);
  if (!json) return bad("not base64url");
  auto doc = common::ParseJson(*json, {16 * 1024, 16});
  if (!doc || !doc->IsArray()) return bad("not a JSON array");
  const auto& a = doc->GetArray();
  if (a.Size() != 2 && a.Size() != 3) return bad("not 2 or 3 members");
  if (!a[0].IsString()) return bad("the salt is not a string");
  Disclosure d;
  d.encoded = std::string(encoded);
  d.salt.assign(a[0].GetString(), a[0].GetStringLength());
  if (a.Size() == 3) {
    if (!a[1].IsString()) return bad("the claim name is not a string");
    d.name.assign(a[1].GetString(), a[1].GetStringLength());
    if (d.name == "_sd" || d.name == "..." || d.name.empty())
      return bad("the claim name \"" + d.name + "\" is reserved");
  }
  d.value_json = common::ToJson(a[a.Size() - 1]);
  d.digest = SdDigest(encoded);
  return d;
}

Result<std::string> IssueSdJwt(const SdJwtToIssue& sd_jwt, const common::Jwk& key,
                               common::JwsAlg alg) {
  auto doc = common::ParseJsonObject(sd_jwt.plain_claims_json);
  if (!doc) return Error{"invalid_claims", "the plain claims are not a JSON object"};
  auto& alloc = doc->GetAllocator();
  if (doc->HasMember("_sd") || doc->HasMember("_sd_alg"))
    return Error{"invalid_claims", "the plain claims hold _sd or _sd_alg"};
  std::vector<Disclosure> disclosures;
  std::vector<std::string> digests;
  for (const auto& claim : sd_jwt.disclosed) {
    if (doc->HasMember(claim.name.c_str()) || claim.name == "_sd" || claim.name == "_sd_alg")
      return Error{"invalid_claims", "\"" + claim.name + "\" is both plain and disclosed"};
    disclosures.push_back(MakeDisclosure(claim.name, claim.value_json));
    digests.push_back(disclosures.back().digest);
  }
  std::sort(digests.begin(), digests.end());
  rapidjson::Value sd(rapidjson::kArrayType);
  for (const auto& d : digests) sd.PushBack(rapidjson::Value(d.c_str(), alloc), alloc);
  doc->AddMember("_sd", sd, alloc);
  doc->AddMember("_sd_alg", rapidjson::Value("sha-256"), alloc);
  auto jwt = common::SignCompact(key, alg, common::ToJson(*doc), {sd_jwt.typ, sd_jwt.kid, ""});
  if (!jwt) return jwt.error();
  std::string out = *jwt + "~";
  for (const auto& d : disclosures) out += d.encoded + "~";
  return out;
}

SdJwtResult<SdJwtParts> SplitSdJwt(std::string_view serialized) {
  if (serialized.size() > kMaxSdJwtBytes) return Malformed("the SD-JWT is larger than 64 KiB");
  const size_t first = serialized.find('~');
  if (first == std::string_view::npos) return Malformed("no '~' after the issuer-signed JWT");
  SdJwtParts parts;
  parts.issuer_jwt = std::string(serialized.substr(0, first));
  if (parts.issuer_jwt.empty()) return Malformed("the issuer-signed JWT is empty");
  const size_t last = serialized.rfind('~');
  parts.without_kb = std::string(serialized.substr(0, last + 1));
  parts.kb_jwt = std::string(serialized.substr(last + 1));
  size_t pos = first + 1;
  while (pos <= last && pos < serialized.size()) {
    const size_t next = serialized.find('~', pos);
    if (next == pos) return Malformed("an empty disclosure (\"~~\")");
    parts.disclosures.emplace_back(serialized.substr(pos, next - pos));
    pos = next + 1;
  }
  return parts;
}

Result<std::string> PresentSdJwt(const SdJwtParts& issued,
                                 const std::vector<std::string>& disclosures,
                                 const common::Jwk& holder_key, common::JwsAlg alg,
                                 const std::string& audience, const std::string& nonce,
                                 int64_t iat) {
  std::string presented = issued.issuer_jwt + "~";
  for (const auto& d : disclosures) presented += d + "~";
  common::JsonWriter w;
  w->StartObject();
  w.Member("iat", iat);
  w.Member("aud", audience);
  w.Member("nonce", nonce);
  w.Member("sd_hash", SdDigest(presented));
  w->EndObject();
  auto kb = common::SignCompact(holder_key, alg, w.str(), {"kb+jwt", "", ""});
  if (!kb) return kb.error();
  return presented + *kb;
}

}  // namespace vc::credentials
