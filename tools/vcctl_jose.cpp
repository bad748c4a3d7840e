// vcctl jumpstart mint, jws verify, jwk thumbprint, token inspect: the JOSE
// tools. Keys may be a JWK, a JWKS (the key is picked by kid) or PEM.
#include <rapidjson/prettywriter.h>

#include <ctime>
#include <iostream>

#include "common/base/json.h"
#include "common/jose/jwk.h"
#include "common/jose/jws.h"
#include "issuer/jumpstart_mint.h"
#include "tools/vcctl_commands.h"

namespace vc::tools {
namespace {

const std::vector<std::string> kVerifyAlgs = {"RS256",  "PS256", "ES256",
                                              "ES256K", "EdDSA", "HS256"};

bool IsJwks(const std::string& text) {
  auto doc = common::ParseJsonObject(text);
  return doc && doc->HasMember("keys");
}

// Every key in `path`: one for a JWK or PEM file, all of a JWKS.
std::vector<common::Jwk> LoadKeys(const std::string& path) {
  const std::string text = ReadTextFile(path);
  if (text.find("-----BEGIN") != std::string::npos) {
    auto key = common::Jwk::FromPem(text);
    if (!key) throw CommandFailed(path + ": " + key.error().message);
    return {*key};
  }
  if (IsJwks(text)) {
    auto jwks = common::Jwks::FromJsonText(text);
    if (!jwks) throw CommandFailed(path + ": invalid JWKS: " + jwks.error().message);
    if (jwks->keys().empty()) throw CommandFailed(path + ": the JWKS has no keys");
    return jwks->keys();
  }
  auto key = common::Jwk::FromJsonText(text);
  if (!key) throw CommandFailed(path + ": invalid JWK: " + key.error().message);
  return {*key};
}

std::string Kids(const std::vector<common::Jwk>& keys) {
  std::string out;
  for (const auto& k : keys)
    out += (out.empty() ? "" : ", ") + (k.kid().empty() ? "(none)" : k.kid());
  return out;
}

// The key named `kid` (any key when there is only one and no kid is asked for).
const common::Jwk& PickKey(const std::vector<common::Jwk>& keys, const std::string& kid,
                           const std::string& path) {
  if (keys.size() == 1 && (kid.empty() || keys[0].kid().empty() || keys[0].kid() == kid))
    return keys[0];
  for (const auto& k : keys) {
    if (!kid.empty() && k.kid() == kid) return k;
  }
  throw CommandFailed(kid.empty()
                          ? path + " has several keys (" + Kids(keys) + "): say which with --kid"
                          : path + " has no key with kid " + kid + " (it has " + Kids(keys) + ")");
}

// The algorithms a key can verify: the one asked for, else all it fits.
std::vector<common::JwsAlg> AllowedFor(const common::Jwk& key, const std::string& forced) {
  using common::JwsAlg;
  if (!forced.empty()) return {*common::ParseAlg(OneOf("alg", forced, kVerifyAlgs))};
  std::vector<JwsAlg> out;
  for (auto alg : {JwsAlg::kRS256, JwsAlg::kPS256, JwsAlg::kES256, JwsAlg::kES256K, JwsAlg::kEdDSA,
                   JwsAlg::kHS256}) {
    if (key.CompatibleWith(alg)) out.push_back(alg);
  }
  return out;
}

int JwsVerify(const Args& a) {
  const std::string key_path = a.Get("jwk");
  if (key_path.empty()) throw UsageError("--jwk FILE is required");
  const auto allowed_check = a.Get("alg");
  if (!allowed_check.empty()) OneOf("alg", allowed_check, kVerifyAlgs);
  auto token = common::ParseCompact(a.positional[0]);
  if (!token) throw CommandFailed(token.error().code + ": " + token.error().message);
  const auto keys = LoadKeys(key_path);
  const common::Jwk& key = PickKey(keys, a.Get("kid", token->kid), key_path);
  auto alg = common::VerifySignature(*token, key, AllowedFor(key, a.Get("alg")));
  if (!alg) throw CommandFailed(alg.error().code + ": " + alg.error().message);
  std::cout << "valid " << common::AlgName(*alg) << " signature"
            << (key.kid().empty() ? "" : " (kid " + key.kid() + ")") << "\n";
  return 0;
}

int JwkThumbprint(const Args& a) {
  const auto keys = LoadKeys(a.positional[0]);
  std::cout << PickKey(keys, a.Get("kid"), a.positional[0]).Thumbprint() << "\n";
  return 0;
}

int JumpstartMint(const Args& a) {
  const std::string org = a.Get("org"), key_path = a.Get("key"), redirect = a.Get("redirect-url");
  if (org.empty() || key_path.empty() || redirect.empty()) {
    throw UsageError("--org, --key and --redirect-url are required");
  }
  int64_t lifetime = 600;
  try {
    size_t used = 0;
    const std::string exp = a.Get("exp", "600");
    lifetime = std::stoll(exp, &used);
    if (used != exp.size() || lifetime <= 0) throw std::invalid_argument(exp);
  } catch (const std::exception&) {
    throw UsageError("--exp must be a positive number of seconds");
  }
  const std::string text = ReadTextFile(key_path);
  auto key = text.find("-----BEGIN") != std::string::npos ? common::Jwk::FromPem(text)
                                                          : common::Jwk::FromJsonText(text);
  if (!key) throw CommandFailed("invalid key: " + key.error().message);
  auto link = issuer::MintJumpstartLink(
      *key,
      {org, a.Get("request-id"), redirect, lifetime, a.Get("base-url", "http://127.0.0.1:8080")},
      static_cast<int64_t>(std::time(nullptr)));
  if (!link) throw CommandFailed("jumpstart mint: " + link.error().message);
  std::cout << *link << "\n";
  return 0;
}

std::string Pretty(std::string_view json) {
  auto doc = common::ParseJson(json);
  if (!doc) return std::string(json);
  rapidjson::StringBuffer sb;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(sb);
  w.SetIndent(' ', 2);
  doc->Accept(w);
  return sb.GetString();
}

int TokenInspect(const Args& a) {
  auto token = common::ParseCompact(a.positional[0]);
  if (!token) throw CommandFailed(token.error().code + ": " + token.error().message);
  std::cout << "header:\n"
            << Pretty(token->header_json) << "\npayload:\n"
            << Pretty(token->payload) << "\n";
  if (auto doc = common::ParseJsonObject(token->payload); doc) {
    for (const char* claim : {"iat", "nbf", "exp"}) {
      if (auto t = common::GetNumericDate(*doc, claim)) {
        const std::time_t tt = static_cast<std::time_t>(*t);
        char buf[32];
        std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&tt));
        std::cout << claim << ": " << buf << "\n";
      }
    }
  }
  std::cout << "signature: " << token->signature.size() << " bytes, NOT verified\n";
  return 0;
}

}  // namespace

std::vector<Command> JoseCommands() {
  return {
      {{"jumpstart", "mint"},
       "--org ID --key FILE --redirect-url URL [--request-id ID] [--exp SECONDS] [--base-url URL]",
       "print the one-time link an RP would send (RS256, signed with the RP's private key)",
       {"org", "key", "redirect-url", "request-id", "exp", "base-url"},
       {},
       0,
       0,
       JumpstartMint},
      {{"jws", "verify"},
       "--jwk FILE [--kid KID] [--alg RS256|PS256|ES256|ES256K|EdDSA|HS256] TOKEN",
       "exit 0 only when the signature verifies; FILE is a JWK, a JWKS (key by kid) or PEM",
       {"jwk", "kid", "alg"},
       {},
       1,
       1,
       JwsVerify},
      {{"jwk", "thumbprint"},
       "[--kid KID] FILE",
       "RFC 7638 SHA-256 thumbprint of a JWK, a JWKS's key (by kid) or a PEM key",
       {"kid"},
       {},
       1,
       1,
       JwkThumbprint},
      {{"token", "inspect"},
       "TOKEN",
       "decode header and payload (no verification)",
       {},
       {},
       1,
       1,
       TokenInspect},
  };
}

}  // namespace vc::tools
