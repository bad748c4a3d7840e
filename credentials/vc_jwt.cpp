#include "credentials/vc_jwt.h"

#include <cstdio>
#include <ctime>

#include "common/base/json.h"
#include "credentials/vc_json.h"
#include "credentials/verify_error.h"

namespace vc::credentials {
using common::Error;
using common::JsonWriter;
using common::Result;
using common::Status;

namespace {

// The JOSE layer reports its reasons as Error codes made by Code(JoseError).
bool IsJoseError(const Error& e, common::JoseError reason) { return e.code == Code(reason); }

constexpr size_t kMaxJwtBytes = 64 * 1024;

void WriteStatus(JsonWriter& w, const StatusEntry& s) {
  const std::string index = std::to_string(s.index);
  w->Key("credentialStatus");
  w->StartObject();
  w.Member("id", s.list_url + "#" + index);
  w.Member("type", "BitstringStatusListEntry");
  w.Member("statusPurpose", "revocation");
  w.Member("statusListIndex", index);
  w.Member("statusListCredential", s.list_url);
  w->EndObject();
}

void WriteVc(JsonWriter& w, const VcToIssue& vc) {
  w->Key("vc");
  w->StartObject();
  if (vc.status) {
    WriteContext(w, {kStatusListContext});
  } else {
    WriteContext(w);
  }
  w->Key("type");
  w->StartArray();
  if (vc.types.empty() || vc.types.front() != "VerifiableCredential") {
    w->String("VerifiableCredential");
  }
  for (const auto& t : vc.types) w.String(t);
  w->EndArray();
  w->Key("credentialSubject");
  w->StartObject();
  for (const auto& [k, v] : vc.claims) {
    w.String(k);
    w.String(v);
  }
  w->EndObject();
  if (vc.status) WriteStatus(w, *vc.status);
  w->EndObject();
}

std::string ValueText(const rapidjson::Value& v) {
  if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
  return common::ToJson(v);
}

std::optional<StatusEntry> ReadStatus(const rapidjson::Value& vc) {
  const auto* s = common::GetObject(vc, "credentialStatus");
  if (!s) return std::nullopt;
  const auto url = common::GetString(*s, "statusListCredential");
  if (!url || !s->HasMember("statusListIndex")) return std::nullopt;
  const auto& idx = (*s)["statusListIndex"];
  StatusEntry e{std::string(*url), -1};
  if (idx.IsInt64()) e.index = idx.GetInt64();
  if (idx.IsString()) {
    const std::string t(idx.GetString(), idx.GetStringLength());
    if (!t.empty() && t.size() < 12 && t.find_first_not_of("0123456789") == std::string::npos) {
      e.index = std::stoll(t);
    }
  }
  if (e.index < 0) return std::nullopt;
  return e;
}

// VCDM 1.1 makes expiry optional (the DIF profile's own vector VC has none):
// only an exp that has passed is refused; one that is not a NumericDate is.
Status CheckTimes(const rapidjson::Value& p, int64_t now, int64_t skew) {
  const auto exp = common::GetNumericDate(p, "exp");
  if (!exp && p.HasMember("exp")) {
    return MakeVerifyError(VerifyError::kMalformedToken, "the VC's exp is not a NumericDate");
  }
  if (exp && now >= *exp + skew)
    return MakeVerifyError(VerifyError::kExpired, "the VC has expired");
  for (const char* c : {"nbf", "iat"}) {
    const auto t = common::GetNumericDate(p, c);
    if (t && *t > now + skew) {
      return MakeVerifyError(VerifyError::kNotYetValid,
                             std::string("the VC ") + c + " is in the future");
    }
  }
  return {};
}

}  // namespace

Result<std::string> IssueVcJwt(const VcToIssue& vc, const Signer& signer) {
  JsonWriter w;
  w->StartObject();
  WriteVc(w, vc);
  w.Member("jti", vc.jti);
  w.Member("iss", vc.issuer);
  w.Member("sub", vc.subject);
  w.Member("iat", vc.iat);
  w.Member("nbf", vc.iat);
  w.Member("exp", vc.exp);
  w->EndObject();
  return common::SignCompact(signer.key, signer.alg, w.str(), {"JWT", signer.kid, ""});
}

Result<ParsedJwt> ParseDidSignedJwt(std::string_view jwt, const char* did_claim) {
  auto token = common::ParseCompact(jwt, kMaxJwtBytes);
  if (!token) return MakeVerifyError(VerifyError::kMalformedToken, token.error().message);
  auto payload = common::ParseJsonObject(token->payload, {kMaxJwtBytes, 16});
  if (!payload)
    return MakeVerifyError(VerifyError::kMalformedToken, "payload is not a JSON object");
  const auto did = common::GetString(*payload, did_claim);
  if (!did) return MakeVerifyError(VerifyError::kMissingClaim, std::string("no ") + did_claim);
  if (token->kid.find('#') == std::string::npos || DidOfMethod(token->kid) != *did) {
    return MakeVerifyError(VerifyError::kKidNotIssuer,
                           std::string("kid does not name a key of the ") + did_claim + " DID");
  }
  std::string claimed(*did);
  ParsedJwt out{std::move(*token), std::move(*payload), std::move(claimed)};
  return out;
}

Result<VerifiedJwt> VerifyParsedJwt(ParsedJwt parsed, DidResolver& resolver) {
  auto key = resolver.ResolveKey(parsed.token.kid);
  if (!key) {
    const bool unknown = key.error().reason == DidKeyError::kUnknownKey;
    return MakeVerifyError(unknown ? VerifyError::kUnknownKey : VerifyError::kUnresolvableDid,
                           key.error().message);
  }
  auto alg = common::VerifySignature(parsed.token, *key, kCredentialAlgs);
  if (!alg) {
    const bool sig = IsJoseError(alg.error(), common::JoseError::kInvalidSignature);
    return MakeVerifyError(sig ? VerifyError::kInvalidSignature : VerifyError::kAlgNotAllowed,
                           alg.error().message);
  }
  VerifiedJwt out{std::move(parsed.token), std::move(parsed.payload),
                  std::move(parsed.claimed_did)};
  return out;
}

Result<VerifiedJwt> VerifyDidSignedJwt(std::string_view jwt, DidResolver& resolver,
                                       const char* did_claim) {
  auto parsed = ParseDidSignedJwt(jwt, did_claim);
  if (!parsed) return parsed.error();
  return VerifyParsedJwt(std::move(*parsed), resolver);
}

Result<VerifiedVc> VerifyVcJwt(std::string_view jwt, DidResolver& resolver, int64_t now,
                               int64_t skew) {
  auto v = VerifyDidSignedJwt(jwt, resolver, "iss");
  if (!v) return v.error();
  const auto& p = v->payload;
  const auto* vc = common::GetObject(p, "vc");
  const auto* types = vc ? common::GetArray(*vc, "type") : nullptr;
  const auto* subject = vc ? common::GetObject(*vc, "credentialSubject") : nullptr;
  const auto sub = common::GetString(p, "sub");
  if (!types || !subject || !sub) {
    return MakeVerifyError(VerifyError::kMissingClaim,
                           "the VC lacks vc.type, credentialSubject or sub");
  }
  if (auto s = CheckTimes(p, now, skew); !s) return s.error();
  VerifiedVc out;
  out.jwt = std::string(jwt);
  out.issuer = v->signer_did;
  out.subject = std::string(*sub);
  out.jti = std::string(common::GetString(p, "jti").value_or(""));
  for (const auto& t : types->GetArray()) {
    if (t.IsString()) out.types.emplace_back(t.GetString(), t.GetStringLength());
  }
  for (const auto& m : subject->GetObject()) {
    out.claims.emplace_back(std::string(m.name.GetString(), m.name.GetStringLength()),
                            ValueText(m.value));
  }
  out.iat = common::GetNumericDate(p, "iat").value_or(0);
  out.exp = common::GetNumericDate(p, "exp");
  out.status = ReadStatus(*vc);
  return out;
}

std::string IsoTime(int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<int64_t> ParseIsoTime(std::string_view text) {
  std::tm tm{};
  int consumed = 0;
  const std::string s(text);
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6) {
    return std::nullopt;
  }
  std::string_view rest = text.substr(static_cast<size_t>(consumed));
  if (!rest.empty() && rest.front() == '.') {
    size_t i = 1;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') ++i;
    rest.remove_prefix(i);
  }
  if (rest != "Z") return std::nullopt;
  if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31) return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm));
}

}  // namespace vc::credentials
