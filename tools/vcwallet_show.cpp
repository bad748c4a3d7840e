#include "tools/vcwallet_show.h"

#include "common/base/json.h"
#include "common/jose/jws.h"
#include "credentials/sd_jwt.h"
#include "credentials/vc_jwt.h"

namespace vc::tools {
namespace {

bool IsSdJwt(const std::string& credential) { return credential.find('~') != std::string::npos; }

// The issuer-signed JWT's payload (of a VC-JWT, or of an SD-JWT VC's first part).
common::Result<rapidjson::Document> Payload(const std::string& credential) {
  std::string jwt = credential;
  if (IsSdJwt(credential)) {
    auto parts = credentials::SplitSdJwt(credential);
    if (!parts) return common::Error{"sd_jwt", parts.error().message};
    jwt = parts->issuer_jwt;
  }
  auto t = common::ParseCompact(jwt, 65536);
  if (!t) return t.error();
  return common::ParseJsonObject(t->payload);
}

std::string Text(const rapidjson::Value& v) {
  if (v.IsString()) return v.GetString();
  common::JsonWriter w;
  v.Accept(*w);
  return w.str();
}

// An SD-JWT VC's disclosed claims (property disclosures: [salt, name, value]).
std::string DisclosedClaims(const std::string& credential) {
  auto parts = credentials::SplitSdJwt(credential);
  std::string out;
  if (!parts) return out;
  for (const auto& encoded : parts->disclosures) {
    auto d = credentials::ParseDisclosure(encoded);
    if (!d || d->name.empty()) continue;
    auto value = common::ParseJson(d->value_json);
    out += (out.empty() ? "" : ", ") + d->name + ": " + (value ? Text(*value) : d->value_json);
  }
  return out;
}

std::string TypeOf(const rapidjson::Value& payload) {
  if (auto vct = common::GetString(payload, "vct")) return std::string(*vct);  // SD-JWT VC
  const auto* vc = common::GetObject(payload, "vc");
  const auto* types = vc ? common::GetArray(*vc, "type") : nullptr;
  std::string best = "credential";
  if (!types) return best;
  for (const auto& t : types->GetArray()) {
    if (t.IsString() && std::string_view(t.GetString()) != "VerifiableCredential")
      best = t.GetString();
  }
  return best;
}

std::string Claims(const rapidjson::Value& payload) {
  const auto* vc = common::GetObject(payload, "vc");
  const auto* subject = vc ? common::GetObject(*vc, "credentialSubject") : nullptr;
  std::string out;
  if (!subject) return out;
  for (const auto& m : subject->GetObject()) {
    if (std::string_view(m.name.GetString()) == "id") continue;  // the holder's DID
    out += (out.empty() ? "" : ", ") + std::string(m.name.GetString()) + ": " + Text(m.value);
  }
  return out;
}

}  // namespace

std::string CredentialType(const std::string& vc_jwt) {
  auto p = Payload(vc_jwt);
  return p ? TypeOf(*p) : "credential";
}

std::string DescribeCredential(const std::string& vc_jwt, int64_t now, const std::string& indent) {
  auto p = Payload(vc_jwt);
  if (!p) return indent + "(not a readable credential: " + p.error().message + ")\n";
  const bool sd_jwt = IsSdJwt(vc_jwt);
  std::string out = indent + "format:  " + (sd_jwt ? "dc+sd-jwt" : "jwt_vc_json") + "\n";
  out += indent + "type:    " + TypeOf(*p) + "\n";
  out +=
      indent + "issuer:  " + std::string(common::GetString(*p, "iss").value_or("unknown")) + "\n";
  const std::string claims = sd_jwt ? DisclosedClaims(vc_jwt) : Claims(*p);
  out += indent + "claims:  " + (claims.empty() ? "none" : claims) + "\n";
  if (auto exp = common::GetNumericDate(*p, "exp")) {
    out +=
        indent + "expires: " + credentials::IsoTime(*exp) + (*exp < now ? " (expired)" : "") + "\n";
  } else {
    out += indent + "expires: never\n";
  }
  if (auto jti = common::GetString(*p, "jti"))
    out += indent + "id:      " + std::string(*jti) + "\n";
  return out;
}

}  // namespace vc::tools
