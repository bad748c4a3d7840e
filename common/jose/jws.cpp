#include "common/jose/jws.h"

#include <algorithm>
#include <span>

#include "common/base/base64url.h"
#include "common/base/json.h"
#include "common/jose/internal/jws_crypto.h"

namespace vc::common {
namespace {

// A protected header is a handful of short members (an embedded JWK at most),
// so anything bigger or deeper is an attack or a bug.
constexpr JsonLimits kHeaderLimits{8 * 1024, 8};
// Attacker-chosen text quoted in an error message is cut to this length.
constexpr size_t kMaxQuotedBytes = 32;

std::string Quote(std::string_view s) {
  std::string out = "\"";
  out.append(s.substr(0, kMaxQuotedBytes));
  if (s.size() > kMaxQuotedBytes) out += "...";
  return out + "\"";
}

// Decodes one part of the token; `what` names it in the error. Only the
// signature may be empty: that is an unsecured JWS ("alg":"none"), which must
// be refused for its algorithm, not reported as garbage.
Result<std::string> DecodePart(std::string_view part, const char* what, bool may_be_empty = false) {
  if (part.empty()) {
    if (may_be_empty) return std::string();
    return MakeJoseError(JoseError::kMalformed, std::string("empty ") + what);
  }
  auto bytes = Base64UrlDecode(part);
  if (!bytes) {
    return MakeJoseError(JoseError::kMalformed,
                         std::string(what) + " is not base64url: " + bytes.error().message);
  }
  return bytes;
}

// Reads "alg", "kid" and "typ" from the parsed header into `t`.
Status ReadHeaderMembers(JwsToken& t) {
  auto alg = GetString(t.header, "alg");
  if (!alg) return MakeJoseError(JoseError::kMissingAlg, "header has no \"alg\" string");
  t.alg_name = std::string(*alg);
  for (auto [name, out] : {std::pair{"kid", &t.kid}, std::pair{"typ", &t.typ}}) {
    if (!t.header.HasMember(name)) continue;
    auto value = GetString(t.header, name);
    if (!value) {
      return MakeJoseError(JoseError::kInvalidHeader,
                           std::string("header member \"") + name + "\" is not a string");
    }
    *out = std::string(*value);
  }
  // RFC 7515 §4.1.11: extensions listed in "crit" must be understood, and we
  // implement none, so such a token must be refused.
  if (t.header.HasMember("crit")) {
    return MakeJoseError(JoseError::kInvalidHeader, "header has \"crit\" extensions");
  }
  return Status::Ok();
}

Result<JwsAlg> Verify(const JwsToken& token, const Jwk& key, std::span<const JwsAlg> allowed) {
  const auto alg = ParseAlg(token.alg_name);
  if (!alg) {
    return MakeJoseError(JoseError::kUnsupportedAlg,
                         "alg " + Quote(token.alg_name) + " is not supported");
  }
  if (std::find(allowed.begin(), allowed.end(), *alg) == allowed.end()) {
    return MakeJoseError(JoseError::kAlgNotAllowed,
                         "alg " + Quote(token.alg_name) + " is not allowed here");
  }
  if (!key.CompatibleWith(*alg)) {
    return MakeJoseError(JoseError::kKeyMismatch,
                         "the key cannot verify alg " + Quote(token.alg_name));
  }
  if (auto s = jws_crypto::Verify(key, *alg, token.signing_input, token.signature); !s) {
    return s.error();
  }
  return *alg;
}

}  // namespace

Result<std::string> SignCompact(const Jwk& key, JwsAlg alg, std::string_view payload,
                                const JwsHeader& header) {
  if (!key.CompatibleWith(alg) || !key.has_private()) {
    return MakeJoseError(JoseError::kKeyMismatch,
                         "the key cannot sign with " + std::string(AlgName(alg)));
  }
  JsonWriter w;
  w->StartObject();
  w->Key("alg");
  w->String(AlgName(alg).data(), static_cast<rapidjson::SizeType>(AlgName(alg).size()));
  if (!header.typ.empty()) {
    w.Member("typ", header.typ);
  }
  if (!header.kid.empty()) {
    w.Member("kid", header.kid);
  }
  if (!header.jwk_json.empty()) {
    auto jwk = ParseJsonObject(header.jwk_json, kHeaderLimits);
    if (!jwk) return MakeJoseError(JoseError::kInvalidHeader, "jwk: " + jwk.error().message);
    w->Key("jwk");
    jwk->Accept(*w);
  }
  w->EndObject();
  std::string out = Base64UrlEncode(w.str());
  out += '.';
  out += Base64UrlEncode(payload);
  auto sig = jws_crypto::Sign(key, alg, out);
  if (!sig) return sig.error();
  out += '.';
  out += Base64UrlEncode(*sig);
  return out;
}

Result<JwsToken> ParseCompact(std::string_view token, size_t max_bytes) {
  if (token.size() > max_bytes) {
    return MakeJoseError(JoseError::kMalformed, "token of " + std::to_string(token.size()) +
                                                    " bytes exceeds " + std::to_string(max_bytes));
  }
  const size_t dot1 = token.find('.');
  const size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return MakeJoseError(JoseError::kMalformed, "a compact JWS has exactly three parts");
  }
  JwsToken t;
  auto header = DecodePart(token.substr(0, dot1), "header");
  if (!header) return header.error();
  auto payload = DecodePart(token.substr(dot1 + 1, dot2 - dot1 - 1), "payload");
  if (!payload) return payload.error();
  auto signature = DecodePart(token.substr(dot2 + 1), "signature", true);
  if (!signature) return signature.error();
  t.header_json = std::move(header).value();
  t.payload = std::move(payload).value();
  t.signature = std::move(signature).value();

  auto doc = ParseJsonObject(t.header_json, kHeaderLimits);
  if (!doc) return MakeJoseError(JoseError::kInvalidHeader, "header: " + doc.error().message);
  t.header = std::move(doc).value();
  if (auto s = ReadHeaderMembers(t); !s) return s.error();
  t.signing_input.assign(token.substr(0, dot2));
  return t;
}

Result<JwsAlg> VerifySignature(const JwsToken& token, const Jwk& key,
                               std::initializer_list<JwsAlg> allowed) {
  return Verify(token, key, std::span<const JwsAlg>(allowed.begin(), allowed.size()));
}

Result<JwsAlg> VerifySignature(const JwsToken& token, const Jwk& key,
                               const std::vector<JwsAlg>& allowed) {
  return Verify(token, key, std::span<const JwsAlg>(allowed));
}

Result<JwsToken> VerifyCompact(std::string_view token, const Jwk& key,
                               std::initializer_list<JwsAlg> allowed, size_t max_bytes) {
  auto parsed = ParseCompact(token, max_bytes);
  if (!parsed) return parsed;
  if (auto alg = VerifySignature(*parsed, key, allowed); !alg) return alg.error();
  return parsed;
}

}  // namespace vc::common
