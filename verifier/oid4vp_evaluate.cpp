#include "verifier/oid4vp_evaluate.h"

#include <algorithm>
#include <map>
#include <optional>
#include <vector>

#include "common/base/json.h"
#include "common/jose/jws.h"
#include "credentials/dcql.h"
#include "credentials/sd_jwt.h"
#include "credentials/token_status_list.h"
#include "credentials/vc_jwt.h"

namespace vc::verifier {
namespace {

using common::Result;
using Fail = Oid4vpFailure;

constexpr const char* kRegisteredClaims[] = {"iss", "iat", "nbf",           "exp",
                                             "cnf", "vct", "vct#integrity", "status"};

struct Verified {
  std::string id, vct, issuer, holder;
  rapidjson::Document claims;
  std::optional<int64_t> iat, exp;
};

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool IsRegistered(std::string_view name) {
  return std::find(std::begin(kRegisteredClaims), std::end(kRegisteredClaims), name) !=
         std::end(kRegisteredClaims);
}

std::string Str(const rapidjson::Value& obj, const char* key) {
  return std::string(common::GetString(obj, key).value_or(""));
}

// The issuer-signed JWT as sent: iss, kid and exp before anything is verified,
// so that no URL is fetched for an issuer the policy does not accept.
struct Unverified {
  std::string iss, kid;
  std::optional<int64_t> exp;
};

Result<Unverified, Fail> Peek(const credentials::SdJwtParts& parts) {
  auto token = common::ParseCompact(parts.issuer_jwt, 32 * 1024);
  auto payload = token ? common::ParseJsonObject(token->payload, {32 * 1024, 16})
                       : Result<rapidjson::Document>(common::Error{"", ""});
  if (!payload) return Fail{Oid4vpError::kMalformedSdJwt, "the issuer-signed JWT does not parse"};
  return Unverified{Str(*payload, "iss"), token->kid, common::GetNumericDate(*payload, "exp")};
}

Result<common::Jwk, Fail> IssuerKey(const credentials::SdJwtParts& parts, const SdJwtRequest& want,
                                    const Oid4vpContext& ctx, Unverified& peek) {
  auto p = Peek(parts);
  if (!p) return p.error();
  peek = *p;
  if (!Contains(want.accepted_issuers, peek.iss))
    return Fail{Oid4vpError::kIssuerNotAccepted, "issuer `" + peek.iss + "` is not accepted"};
  auto key = ctx.issuer_keys.Find(peek.iss, peek.kid);
  if (!key) return Fail{Oid4vpError::kIssuerKeyUnavailable, key.error().message};
  return *key;
}

common::BasicStatus<Fail> CheckKeyBinding(const std::string& kb_jwt, const Oid4vpContext& ctx) {
  if (kb_jwt.empty()) return Fail{Oid4vpError::kKeyBindingRequired, "no key binding JWT"};
  // VerifySdJwt verified its signature by cnf.jwk, typ, sd_hash and iat.
  auto token = common::ParseCompact(kb_jwt, 8 * 1024);
  auto p = token ? common::ParseJsonObject(token->payload)
                 : Result<rapidjson::Document>(common::Error{"", ""});
  if (!p) return Fail{Oid4vpError::kInvalidKeyBinding, "the key binding JWT does not parse"};
  if (Str(*p, "aud") != ctx.client_id)
    return Fail{Oid4vpError::kAudienceMismatch, "the key binding JWT is for another audience"};
  if (Str(*p, "nonce") != ctx.nonce)
    return Fail{Oid4vpError::kNonceMismatch, "the key binding JWT's nonce is not this request's"};
  const int64_t oldest = ctx.now - ctx.key_binding_max_age_seconds - ctx.skew_seconds;
  if (common::GetNumericDate(*p, "iat").value_or(0) < oldest)
    return Fail{Oid4vpError::kKeyBindingStale, "the key binding JWT is too old"};
  return {};
}

common::BasicStatus<Fail> CheckStatus(const Verified& v, const Oid4vpContext& ctx) {
  auto ref = credentials::ReadStatusReference(v.claims);
  if (!ref) return Fail{Oid4vpError::kStatusUnavailable, ref.error().message};
  if (!*ref) return {};
  auto status = ctx.status.Status(v.issuer, **ref);
  if (!status) return Fail{Oid4vpError::kStatusUnavailable, status.error().message};
  if (*status == credentials::kStatusValid) return {};
  if (*status == credentials::kStatusSuspended)
    return Fail{Oid4vpError::kSuspended, "the issuer has suspended the credential"};
  return Fail{Oid4vpError::kRevoked,
              "the issuer has revoked the credential (status " + std::to_string(*status) + ")"};
}

common::BasicStatus<Fail> CheckContent(const Verified& v, const SdJwtRequest& want) {
  if (!Contains(want.vct, v.vct))
    return Fail{Oid4vpError::kTypeMismatch, "vct `" + v.vct + "` is not accepted"};
  for (const auto& claim : want.claims) {
    if (!v.claims.HasMember(claim.c_str()))
      return Fail{Oid4vpError::kClaimNotDisclosed, "the claim `" + claim + "` was not disclosed"};
  }
  return {};
}

Result<Verified, Fail> VerifyOne(const std::string& presentation, const SdJwtRequest& want,
                                 const Oid4vpContext& ctx) {
  auto parts = credentials::SplitSdJwt(presentation);
  if (!parts) return Fail{Oid4vpError::kMalformedSdJwt, parts.error().message};
  Unverified peek;
  auto key = IssuerKey(*parts, want, ctx, peek);
  if (!key) return key.error();
  credentials::SdJwtVerifyOptions o;
  o.now = ctx.now;
  o.skew_seconds = ctx.skew_seconds;
  auto sd = credentials::VerifySdJwt(presentation, *key, o);
  if (!sd) {
    Oid4vpError e = FromSdJwt(sd.error().reason);
    if (e == Oid4vpError::kInvalidClaims && peek.exp && *peek.exp < ctx.now)
      e = Oid4vpError::kExpired;
    return Fail{e, sd.error().message};
  }
  if (auto kb = CheckKeyBinding(sd->kb_jwt, ctx); !kb) return kb.error();
  Verified v;
  v.id = want.id;
  v.issuer = peek.iss;
  v.vct = Str(sd->claims, "vct");
  v.iat = common::GetNumericDate(sd->claims, "iat");
  v.exp = common::GetNumericDate(sd->claims, "exp");
  // VerifySdJwt checked the KB-JWT with cnf.jwk, so both are there.
  const auto* cnf = common::GetObject(sd->claims, "cnf");
  const auto* jwk = cnf ? common::GetObject(*cnf, "jwk") : nullptr;
  auto holder = jwk ? common::Jwk::FromJson(*jwk) : Result<common::Jwk>(common::Error{"", ""});
  if (!holder) return Fail{Oid4vpError::kInvalidKeyBinding, "no usable cnf.jwk"};
  v.holder = holder->Thumbprint();
  v.claims.CopyFrom(sd->claims, v.claims.GetAllocator());
  if (auto c = CheckContent(v, want); !c) return c.error();
  if (auto s = CheckStatus(v, ctx); !s) return s.error();
  return v;
}

void WriteCredential(common::JsonWriter& w, const Verified& v) {
  w->StartObject();
  w.Member("id", v.id);
  w.Member("format", credentials::kSdJwtVcFormat);
  w->Key("types");
  w->StartArray();
  w.String(v.vct);
  w->EndArray();
  w.Member("vct", v.vct);
  w.Member("issuer", v.issuer);
  // By name: the order of disclosures (random digests) says nothing.
  std::map<std::string_view, const rapidjson::Value*> claims;
  for (const auto& m : v.claims.GetObject()) {
    const std::string_view name(m.name.GetString(), m.name.GetStringLength());
    if (!IsRegistered(name)) claims.emplace(name, &m.value);
  }
  w->Key("claims");
  w->StartObject();
  for (const auto& [name, value] : claims) {
    w.String(name);
    value->Accept(*w);
  }
  w->EndObject();
  w.Member("revocationStatus", "VALID");
  w->Key("domainValidation");
  w->Null();
  w->Key("issuanceDate");
  v.iat ? w.String(credentials::IsoTime(*v.iat)) : (void)w->Null();
  w->Key("expirationDate");
  v.exp ? w.String(credentials::IsoTime(*v.exp)) : (void)w->Null();
  w->EndObject();
}

std::string ResultJson(const std::vector<Verified>& verified) {
  common::JsonWriter w;
  w->StartObject();
  w.Member("subject", "urn:ietf:params:oauth:jwk-thumbprint:sha-256:" + verified.front().holder);
  w->Key("credentials");
  w->StartArray();
  for (const auto& v : verified) WriteCredential(w, v);
  w->EndArray();
  w->EndObject();
  return w.str();
}

}  // namespace

Result<std::string, Oid4vpFailure> EvaluateVpToken(std::string_view vp_token, const Policy& policy,
                                                   const Oid4vpContext& ctx) {
  auto token = credentials::ParseVpToken(vp_token);
  if (!token) return Fail{Oid4vpError::kMalformedResponse, token.error().message};
  std::vector<Verified> verified;
  for (const auto& want : policy.sd_jwt) {
    auto it = token->find(want.id);
    if (it == token->end())
      return Fail{Oid4vpError::kCredentialMissing, "no presentation for `" + want.id + "`"};
    if (it->second.size() != 1)
      return Fail{Oid4vpError::kTooManyPresentations,
                  "more than one presentation for `" + want.id + "`"};
    auto v = VerifyOne(it->second.front(), want, ctx);
    if (!v) return v.error();
    if (!verified.empty() && v->holder != verified.front().holder)
      return Fail{Oid4vpError::kHolderMismatch, "the presentations are bound to different keys"};
    verified.push_back(std::move(*v));
  }
  if (verified.empty())
    return Fail{Oid4vpError::kPolicyUnreadable, "the policy asks for no dc+sd-jwt credential"};
  return ResultJson(verified);
}

}  // namespace vc::verifier
