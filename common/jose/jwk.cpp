#include "common/jose/jwk.h"

#include <stdexcept>
#include <utility>

#include "common/base/base64url.h"
#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/jose/evp_key.h"

namespace vc::common {
namespace {

using evp_key::kFieldBytes;

// A JWK is small, and comes from the network.
constexpr JsonLimits kJwkLimits{64 * 1024, 8};
// RFC 7518 §3.2: an HMAC key at least as long as the hash output.
constexpr size_t kMinHmacKeyBytes = 32;

Error InvalidJwk(std::string message) { return MakeError("invalid_jwk", std::move(message)); }

// A base64url member. `width` > 0 demands exactly that many bytes (EC and OKP
// members are fixed width, RFC 7518 §6.2.1.2 and RFC 8037 §2).
Result<std::string> ReadMember(const rapidjson::Value& jwk, const char* name, bool required,
                               size_t width = 0) {
  auto it = jwk.FindMember(name);
  if (it == jwk.MemberEnd()) {
    if (required) return InvalidJwk(std::string("member \"") + name + "\" is missing");
    return std::string();
  }
  if (!it->value.IsString()) {
    return InvalidJwk(std::string("member \"") + name + "\" is not a string");
  }
  auto bytes = Base64UrlDecode({it->value.GetString(), it->value.GetStringLength()});
  if (!bytes) return InvalidJwk(std::string("member \"") + name + "\" is not base64url");
  if (bytes->empty() || (width != 0 && bytes->size() != width)) {
    return InvalidJwk(std::string("member \"") + name + "\" has length " +
                      std::to_string(bytes->size()) +
                      (width != 0 ? ", expected " + std::to_string(width) : std::string()));
  }
  return std::move(bytes).value();
}

// Reads each named member into the matching string; stops at the first error.
Status ReadMembers(const rapidjson::Value& jwk, bool required,
                   std::initializer_list<std::pair<const char*, std::string*>> members,
                   size_t width = 0) {
  for (const auto& [name, out] : members) {
    auto value = ReadMember(jwk, name, required, width);
    if (!value) return value.error();
    *out = std::move(value).value();
  }
  return Status::Ok();
}

Result<ossl::PkeyPtr> ImportRsa(const rapidjson::Value& jwk) {
  evp_key::RsaMembers m;
  if (auto s = ReadMembers(jwk, true, {{"n", &m.n}, {"e", &m.e}}); !s) return s.error();
  if (jwk.HasMember("d")) {
    // The CRT members too: OpenSSL signs with them, and a partial key is a bug upstream.
    auto s = ReadMembers(
        jwk, true,
        {{"d", &m.d}, {"p", &m.p}, {"q", &m.q}, {"dp", &m.dp}, {"dq", &m.dq}, {"qi", &m.qi}});
    if (!s) return s.error();
  }
  return evp_key::FromRsa(m);
}

Result<ossl::PkeyPtr> ImportEc(const rapidjson::Value& jwk, Curve curve) {
  evp_key::EcMembers m;
  if (auto s = ReadMembers(jwk, true, {{"x", &m.x}, {"y", &m.y}}, kFieldBytes); !s) {
    return s.error();
  }
  if (auto s = ReadMembers(jwk, false, {{"d", &m.d}}, kFieldBytes); !s) return s.error();
  return evp_key::FromEc(curve, m);
}

Result<ossl::PkeyPtr> ImportOkp(const rapidjson::Value& jwk) {
  evp_key::OkpMembers m;
  if (auto s = ReadMembers(jwk, true, {{"x", &m.x}}, kFieldBytes); !s) return s.error();
  if (auto s = ReadMembers(jwk, false, {{"d", &m.d}}, kFieldBytes); !s) return s.error();
  return evp_key::FromOkp(m);
}

std::optional<Curve> ParseCurve(std::string_view kty, std::optional<std::string_view> crv) {
  if (!crv) return std::nullopt;
  if (kty == "EC" && *crv == "P-256") return Curve::kP256;
  if (kty == "EC" && *crv == "secp256k1") return Curve::kSecp256k1;
  if (kty == "OKP" && *crv == "Ed25519") return Curve::kEd25519;
  return std::nullopt;
}

struct KeyMaterial {
  KeyType type = KeyType::kOct;
  Curve curve = Curve::kNone;
  ossl::PkeyPtr pkey;  // all but oct
  std::string secret;  // oct
};

// The key itself, by "kty" (and "crv").
Result<KeyMaterial> ImportMaterial(const rapidjson::Value& jwk) {
  auto kty = GetString(jwk, "kty");
  if (!kty) return InvalidJwk("member \"kty\" is missing or not a string");
  KeyMaterial m;
  Result<ossl::PkeyPtr> pkey = ossl::PkeyPtr();
  if (*kty == "RSA") {
    m.type = KeyType::kRsa;
    pkey = ImportRsa(jwk);
  } else if (*kty == "EC" || *kty == "OKP") {
    auto curve = ParseCurve(*kty, GetString(jwk, "crv"));
    if (!curve) {
      return InvalidJwk("member \"crv\" is missing or not supported for " + std::string(*kty));
    }
    m.type = *kty == "EC" ? KeyType::kEc : KeyType::kOkp;
    m.curve = *curve;
    pkey = m.type == KeyType::kEc ? ImportEc(jwk, *curve) : ImportOkp(jwk);
  } else if (*kty == "oct") {
    auto k = ReadMember(jwk, "k", true);
    if (!k) return k.error();
    m.secret = std::move(k).value();
    return m;
  } else {
    return InvalidJwk("member \"kty\": unsupported key type \"" + std::string(*kty) + "\"");
  }
  if (!pkey) return pkey.error();
  m.pkey = std::move(pkey).value();
  return m;
}

// "kid" must be a string; "alg", when present, one we implement.
Status ReadKidAndAlg(const rapidjson::Value& jwk, std::string& kid, std::optional<JwsAlg>& alg) {
  if (jwk.HasMember("kid")) {
    auto value = GetString(jwk, "kid");
    if (!value) return InvalidJwk("member \"kid\" is not a string");
    kid = std::string(*value);
  }
  if (jwk.HasMember("alg")) {
    auto value = GetString(jwk, "alg");
    alg = value ? ParseAlg(*value) : std::nullopt;
    if (!alg) return InvalidJwk("member \"alg\" names no supported algorithm");
  }
  return Status::Ok();
}

std::string_view CurveName(Curve c) {
  switch (c) {
    case Curve::kP256:
      return "P-256";
    case Curve::kSecp256k1:
      return "secp256k1";
    case Curve::kEd25519:
      return "Ed25519";
    case Curve::kNone:
      break;
  }
  return "";
}

using Members = std::vector<std::pair<const char*, std::string>>;  // name, JSON string value

std::string WriteObject(const Members& members) {
  JsonWriter w;
  w->StartObject();
  for (const auto& [name, value] : members) {
    w->Key(name);
    w.String(value);
  }
  w->EndObject();
  return w.str();
}

}  // namespace

std::string_view AlgName(JwsAlg alg) {
  switch (alg) {
    case JwsAlg::kRS256:
      return "RS256";
    case JwsAlg::kPS256:
      return "PS256";
    case JwsAlg::kES256:
      return "ES256";
    case JwsAlg::kES256K:
      return "ES256K";
    case JwsAlg::kEdDSA:
      return "EdDSA";
    case JwsAlg::kHS256:
      return "HS256";
  }
  return "";
}

std::optional<JwsAlg> ParseAlg(std::string_view name) {
  for (JwsAlg alg : {JwsAlg::kRS256, JwsAlg::kPS256, JwsAlg::kES256, JwsAlg::kES256K,
                     JwsAlg::kEdDSA, JwsAlg::kHS256}) {
    if (AlgName(alg) == name) return alg;
  }
  return std::nullopt;
}

Result<Jwk> Jwk::FromJson(const rapidjson::Value& jwk) {
  if (!jwk.IsObject()) return InvalidJwk("a JWK must be a JSON object");
  Jwk key;
  if (auto s = ReadKidAndAlg(jwk, key.kid_, key.alg_); !s) return s.error();
  auto material = ImportMaterial(jwk);
  if (!material) return material.error();
  key.type_ = material->type;
  key.curve_ = material->curve;
  if (key.type_ == KeyType::kOct) {
    key.has_private_ = true;
    key.secret_ = std::move(material->secret);
    if (!key.secret_.empty()) key.hmac_ = std::make_shared<const HmacSha256Key>(key.secret_);
  } else {
    key.has_private_ = jwk.HasMember("d");
    key.pkey_ = std::shared_ptr<evp_pkey_st>(std::move(material->pkey));
  }
  if (key.alg_ && !key.CompatibleWith(*key.alg_)) {
    return InvalidJwk("member \"alg\": " + std::string(AlgName(*key.alg_)) +
                      " cannot be used with this key");
  }
  return key;
}

Result<Jwk> Jwk::FromJsonText(std::string_view text) {
  auto doc = ParseJsonObject(text, kJwkLimits);
  if (!doc) return InvalidJwk(doc.error().message);
  return FromJson(*doc);
}

Result<Jwk> Jwk::FromPem(std::string_view pem) {
  auto read = evp_key::ReadPem(pem);
  if (!read) return read.error();
  auto kind = evp_key::Identify(read->key.get());
  if (!kind) return MakeError("invalid_pem", "unsupported key type or curve in PEM");
  if (kind->type == KeyType::kRsa) {
    const int bits = EVP_PKEY_get_bits(read->key.get());
    if (bits < 2048 || bits > 8192) {
      return MakeError("invalid_pem", "RSA key of " + std::to_string(bits) + " bits");
    }
  }
  Jwk key;
  key.type_ = kind->type;
  key.curve_ = kind->curve;
  key.has_private_ = read->is_private;
  key.pkey_ = std::shared_ptr<evp_pkey_st>(std::move(read->key));
  return key;
}

Jwk Jwk::Generate(JwsAlg alg) {
  if (alg == JwsAlg::kHS256) return FromSecret(RandomBytes(kMinHmacKeyBytes));
  Jwk key;
  key.has_private_ = true;
  EVP_PKEY* raw = nullptr;
  switch (alg) {
    case JwsAlg::kRS256:
    case JwsAlg::kPS256:
      key.type_ = KeyType::kRsa;
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048});
      break;
    case JwsAlg::kES256:
    case JwsAlg::kES256K:
      key.type_ = KeyType::kEc;
      key.curve_ = alg == JwsAlg::kES256 ? Curve::kP256 : Curve::kSecp256k1;
      raw =
          EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", alg == JwsAlg::kES256 ? "P-256" : "secp256k1");
      break;
    case JwsAlg::kEdDSA:
      key.type_ = KeyType::kOkp;
      key.curve_ = Curve::kEd25519;
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
    case JwsAlg::kHS256:
      break;
  }
  if (raw == nullptr) throw std::runtime_error("key generation failed: " + ossl::DrainErrors());
  key.pkey_ = std::shared_ptr<evp_pkey_st>(raw, EVP_PKEY_free);
  return key;
}

Jwk Jwk::FromSecret(std::string secret) {
  Jwk key;
  key.type_ = KeyType::kOct;
  key.has_private_ = true;
  key.secret_ = std::move(secret);
  if (!key.secret_.empty()) key.hmac_ = std::make_shared<const HmacSha256Key>(key.secret_);
  return key;
}

Jwk Jwk::WithKid(std::string kid) const {
  Jwk copy = *this;
  copy.kid_ = std::move(kid);
  return copy;
}

Jwk Jwk::WithAlg(JwsAlg alg) const {
  Jwk copy = *this;
  copy.alg_ = alg;
  return copy;
}

bool Jwk::CompatibleWith(JwsAlg alg) const {
  if (alg_ && *alg_ != alg) return false;
  switch (alg) {
    case JwsAlg::kRS256:
    case JwsAlg::kPS256:
      return type_ == KeyType::kRsa;
    case JwsAlg::kES256:
      return type_ == KeyType::kEc && curve_ == Curve::kP256;
    case JwsAlg::kES256K:
      return type_ == KeyType::kEc && curve_ == Curve::kSecp256k1;
    case JwsAlg::kEdDSA:
      return type_ == KeyType::kOkp && curve_ == Curve::kEd25519;
    case JwsAlg::kHS256:
      return type_ == KeyType::kOct && secret_.size() >= kMinHmacKeyBytes;
  }
  return false;
}

namespace {

// The RFC 7638 required members in lexicographic order, then (with_private)
// the private ones. For oct, "k" is the only member and it is secret.
Members KeyMembers(const Jwk& key, bool with_private) {
  const bool priv = with_private && key.has_private();
  switch (key.type()) {
    case KeyType::kRsa: {
      auto m = evp_key::GetRsa(key.pkey(), priv);
      Members out{{"e", Base64UrlEncode(m.e)}, {"kty", "RSA"}, {"n", Base64UrlEncode(m.n)}};
      if (priv && !m.d.empty()) {
        for (auto& [name, value] : {std::pair{"d", &m.d},
                                    {"p", &m.p},
                                    {"q", &m.q},
                                    {"dp", &m.dp},
                                    {"dq", &m.dq},
                                    {"qi", &m.qi}}) {
          out.emplace_back(name, Base64UrlEncode(*value));
        }
      }
      return out;
    }
    case KeyType::kEc: {
      auto m = evp_key::GetEc(key.pkey(), priv);
      Members out{{"crv", std::string(CurveName(key.curve()))},
                  {"kty", "EC"},
                  {"x", Base64UrlEncode(m.x)},
                  {"y", Base64UrlEncode(m.y)}};
      if (priv && !m.d.empty()) out.emplace_back("d", Base64UrlEncode(m.d));
      return out;
    }
    case KeyType::kOkp: {
      auto m = evp_key::GetOkp(key.pkey(), priv);
      Members out{{"crv", "Ed25519"}, {"kty", "OKP"}, {"x", Base64UrlEncode(m.x)}};
      if (priv && !m.d.empty()) out.emplace_back("d", Base64UrlEncode(m.d));
      return out;
    }
    case KeyType::kOct:
      break;
  }
  return {{"k", Base64UrlEncode(key.secret())}, {"kty", "oct"}};
}

std::string WithKidAndAlg(Members members, const Jwk& key) {
  if (!key.kid().empty()) members.emplace_back("kid", key.kid());
  if (key.alg()) members.emplace_back("alg", std::string(AlgName(*key.alg())));
  return WriteObject(members);
}

}  // namespace

std::string Jwk::ToPublicJson() const {
  // A symmetric key has no public half: say what it is, never what it holds.
  if (type_ == KeyType::kOct) return WithKidAndAlg({{"kty", "oct"}}, *this);
  return WithKidAndAlg(KeyMembers(*this, false), *this);
}

std::string Jwk::ToPrivateJson() const { return WithKidAndAlg(KeyMembers(*this, true), *this); }

Result<std::string> Jwk::ToPublicPem() const {
  if (type_ == KeyType::kOct) return MakeError("invalid_key", "an oct key has no PEM form");
  return evp_key::WritePublicPem(pkey_.get());
}

Result<std::string> Jwk::ToPrivatePem() const {
  if (type_ == KeyType::kOct) return MakeError("invalid_key", "an oct key has no PEM form");
  if (!has_private_) return MakeError("invalid_key", "the key has no private part");
  return evp_key::WritePrivatePem(pkey_.get());
}

std::string Jwk::Thumbprint() const {
  return Base64UrlEncode(Sha256(WriteObject(KeyMembers(*this, false))));
}

Jwk Jwk::PublicOnly() const {
  if (type_ == KeyType::kOct || !has_private_) return *this;
  Jwk copy = *this;
  copy.pkey_ = std::shared_ptr<evp_pkey_st>(evp_key::PublicCopy(pkey_.get()));
  copy.has_private_ = false;
  return copy;
}

}  // namespace vc::common
