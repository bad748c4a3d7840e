// SD-JWT verification (RFC 9901 §7.1 and §7.3): the issuer's signature, the
// digests recomputed and each disclosure put back where its digest is, the
// Key Binding JWT.
#include <map>
#include <set>

#include "common/base/json.h"
#include "common/jose/jwt.h"
#include "credentials/sd_jwt.h"
#include "credentials/vc_jwt.h"

namespace vc::credentials {
using rapidjson::Value;

namespace {

using Alloc = rapidjson::Document::AllocatorType;

struct Digests {
  std::map<std::string, const Disclosure*> by_digest;
  std::set<std::string> seen;  // every digest met in the payload
  std::set<std::string> used;  // digests of disclosures put back
};

SdJwtResult<Value> Process(const Value& in, Alloc& alloc, Digests& d, int depth);

// The disclosure a digest names; nullptr for a decoy. Each digest may appear once.
SdJwtResult<const Disclosure*> Lookup(const Value& digest, Digests& d) {
  if (!digest.IsString()) return SdJwtFailure{SdJwtError::kMalformed, "a digest is not a string"};
  const std::string s(digest.GetString(), digest.GetStringLength());
  if (!d.seen.insert(s).second)
    return SdJwtFailure{SdJwtError::kDuplicateDigest, "the digest " + s + " appears twice"};
  auto it = d.by_digest.find(s);
  if (it == d.by_digest.end()) return static_cast<const Disclosure*>(nullptr);
  d.used.insert(s);
  return it->second;
}

SdJwtResult<Value> DisclosedValue(const Disclosure& disc, Alloc& alloc, Digests& d, int depth) {
  auto parsed = common::ParseJson(disc.value_json, {16 * 1024, 16});
  if (!parsed) return SdJwtFailure{SdJwtError::kInvalidDisclosure, "a disclosed value is not JSON"};
  return Process(*parsed, alloc, d, depth + 1);
}

SdJwtResult<Value> ProcessObject(const Value& in, Alloc& alloc, Digests& d, int depth) {
  Value out(rapidjson::kObjectType);
  for (const auto& m : in.GetObject()) {
    const std::string_view name(m.name.GetString(), m.name.GetStringLength());
    if (name == "_sd" || (depth == 0 && name == "_sd_alg")) continue;
    auto v = Process(m.value, alloc, d, depth + 1);
    if (!v) return v.error();
    out.AddMember(Value(m.name, alloc), *v, alloc);
  }
  const auto sd = in.FindMember("_sd");
  if (sd == in.MemberEnd()) return out;
  if (!sd->value.IsArray()) return SdJwtFailure{SdJwtError::kMalformed, "_sd is not an array"};
  for (const auto& digest : sd->value.GetArray()) {
    auto disc = Lookup(digest, d);
    if (!disc) return disc.error();
    if (!*disc) continue;
    const Disclosure& disclosure = **disc;
    if (disclosure.name.empty())
      return SdJwtFailure{SdJwtError::kInvalidDisclosure, "an array element disclosure in _sd"};
    if (out.HasMember(disclosure.name.c_str()))
      return SdJwtFailure{SdJwtError::kClaimConflict,
                          "\"" + disclosure.name + "\" is disclosed and already present"};
    auto v = DisclosedValue(disclosure, alloc, d, depth);
    if (!v) return v.error();
    out.AddMember(Value(disclosure.name.c_str(), alloc), *v, alloc);
  }
  return out;
}

SdJwtResult<Value> ProcessArray(const Value& in, Alloc& alloc, Digests& d, int depth) {
  Value out(rapidjson::kArrayType);
  for (const auto& e : in.GetArray()) {
    const bool reference = e.IsObject() && e.MemberCount() == 1 && e.HasMember("...");
    if (!reference) {
      auto v = Process(e, alloc, d, depth + 1);
      if (!v) return v.error();
      out.PushBack(*v, alloc);
      continue;
    }
    auto disc = Lookup(e["..."], d);
    if (!disc) return disc.error();
    if (!*disc) continue;  // a decoy: the element is removed
    if (!(*disc)->name.empty())
      return SdJwtFailure{SdJwtError::kInvalidDisclosure, "a property disclosure in an array"};
    auto v = DisclosedValue(**disc, alloc, d, depth);
    if (!v) return v.error();
    out.PushBack(*v, alloc);
  }
  return out;
}

SdJwtResult<Value> Process(const Value& in, Alloc& alloc, Digests& d, int depth) {
  if (depth > 16) return SdJwtFailure{SdJwtError::kMalformed, "nested too deeply"};
  if (in.IsObject()) return ProcessObject(in, alloc, d, depth);
  if (in.IsArray()) return ProcessArray(in, alloc, d, depth);
  return Value(in, alloc);
}

SdJwtFailure KbFail(const std::string& why) {
  return {SdJwtError::kInvalidKeyBinding, "key binding JWT: " + why};
}

common::BasicStatus<SdJwtFailure> CheckKeyBinding(const SdJwtParts& parts,
                                                  const rapidjson::Value& payload,
                                                  const SdJwtVerifyOptions& o) {
  const auto* cnf = common::GetObject(payload, "cnf");
  const auto* jwk = cnf ? common::GetObject(*cnf, "jwk") : nullptr;
  if (!jwk) return KbFail("the SD-JWT has no cnf.jwk to check it with");
  auto holder = common::Jwk::FromJson(*jwk);
  if (!holder) return KbFail("cnf.jwk: " + holder.error().message);
  auto kb = common::VerifyCompact(parts.kb_jwt, *holder, kCredentialAlgs);
  if (!kb) return KbFail(kb.error().message);
  if (kb->typ != "kb+jwt") return KbFail("typ is not kb+jwt");
  auto p = common::ParseJsonObject(kb->payload);
  if (!p) return KbFail("the payload is not a JSON object");
  if (common::GetString(*p, "sd_hash").value_or("") != SdDigest(parts.without_kb))
    return KbFail("sd_hash does not match the presented SD-JWT");
  const auto iat = common::GetNumericDate(*p, "iat");
  if (!iat || *iat > o.now + o.skew_seconds) return KbFail("iat is missing or in the future");
  if (!o.key_binding) return {};
  if (*iat < o.now - o.key_binding->max_age_seconds - o.skew_seconds) return KbFail("too old");
  if (common::GetString(*p, "aud").value_or("") != o.key_binding->audience)
    return KbFail("aud is not this verifier");
  if (common::GetString(*p, "nonce").value_or("") != o.key_binding->nonce)
    return KbFail("nonce does not match");
  return {};
}

common::BasicStatus<SdJwtFailure> CheckTimes(const rapidjson::Value& payload,
                                             const SdJwtVerifyOptions& o) {
  common::ClaimPolicy policy;
  policy.now = o.now;
  policy.skew_seconds = o.skew_seconds;
  policy.require_exp = o.require_exp;
  if (auto c = common::CheckClaims(payload, policy); !c)
    return SdJwtFailure{SdJwtError::kInvalidClaims, c.error().message};
  return {};
}

}  // namespace

SdJwtResult<VerifiedSdJwt> VerifySdJwt(std::string_view serialized, const common::Jwk& issuer_key,
                                       const SdJwtVerifyOptions& options) {
  auto parts = SplitSdJwt(serialized);
  if (!parts) return parts.error();
  VerifiedSdJwt out;
  auto token = common::VerifyCompact(parts->issuer_jwt, issuer_key, kCredentialAlgs, 32 * 1024);
  if (!token) return SdJwtFailure{SdJwtError::kInvalidSignature, token.error().message};
  out.issuer_jwt = std::move(*token);
  if (!options.expected_typ.empty() && out.issuer_jwt.typ != options.expected_typ)
    return SdJwtFailure{SdJwtError::kWrongType, "typ is not " + options.expected_typ};
  auto payload = common::ParseJsonObject(out.issuer_jwt.payload, {32 * 1024, 16});
  if (!payload) return SdJwtFailure{SdJwtError::kMalformed, "the payload is not a JSON object"};
  if (auto t = CheckTimes(*payload, options); !t) return t.error();
  if (common::GetString(*payload, "_sd_alg").value_or("sha-256") != "sha-256")
    return SdJwtFailure{SdJwtError::kUnsupportedSdAlg, "_sd_alg is not sha-256"};
  Digests digests;
  for (const auto& encoded : parts->disclosures) {
    auto d = ParseDisclosure(encoded);
    if (!d) return d.error();
    out.disclosures.push_back(std::move(*d));
  }
  for (const auto& d : out.disclosures) {
    if (!digests.by_digest.emplace(d.digest, &d).second)
      return SdJwtFailure{SdJwtError::kDuplicateDigest, "a disclosure is sent twice"};
  }
  auto claims = Process(*payload, out.claims.GetAllocator(), digests, 0);
  if (!claims) return claims.error();
  if (digests.used.size() != out.disclosures.size())
    return SdJwtFailure{SdJwtError::kUnreferencedDisclosure,
                        "a disclosure's digest is not in the SD-JWT"};
  out.claims.CopyFrom(*claims, out.claims.GetAllocator());
  out.kb_jwt = parts->kb_jwt;
  if (options.key_binding && out.kb_jwt.empty())
    return SdJwtFailure{SdJwtError::kKeyBindingRequired, "no key binding JWT"};
  if (!out.kb_jwt.empty()) {
    if (auto kb = CheckKeyBinding(*parts, *payload, options); !kb) return kb.error();
  }
  return out;
}

}  // namespace vc::credentials
