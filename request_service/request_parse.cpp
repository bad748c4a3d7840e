#include "request_service/request_parse.h"

#include <cctype>

#include "common/base/json.h"
#include "common/base/text.h"
#include "common/http/url.h"
#include "credentials/presentation_request.h"
#include "credentials/vc_jwt.h"

namespace vc::request_service {
namespace {

// Free text stored with each request: bounded (docs/security.md).
constexpr size_t kMaxUrlBytes = 2048;
constexpr size_t kMaxStateBytes = 2048;
constexpr size_t kMaxHeaderValueBytes = 1024;
constexpr size_t kMaxClaims = 64;

ApiFailure TooLong(const std::string& field, size_t max) {
  return BadField(field, field + " is longer than " + std::to_string(max) + " bytes.");
}

}  // namespace

namespace detail {

ApiResult<rapidjson::Document> ParseBody(const std::string& body) {
  auto doc = common::ParseJsonObject(body, {1 << 20, 32});
  if (!doc)
    return BadField("", "The request body is not a valid JSON object: " + doc.error().message);
  return std::move(*doc);
}

std::optional<ApiFailure> ParseOptionalBool(const rapidjson::Value& body, const char* name,
                                            bool& out) {
  if (!body.HasMember(name)) return std::nullopt;
  if (!body[name].IsBool()) {
    return BadField(name,
                    std::string("The request contains `") + name + "`, but it is not boolean.");
  }
  out = body[name].GetBool();
  return std::nullopt;
}

std::optional<ApiFailure> ParseCallbackHeaders(const rapidjson::Value& cb, CallbackSpec& out) {
  if (!cb.HasMember("headers")) return std::nullopt;
  if (!cb["headers"].IsObject())
    return BadField("callback.headers", "callback.headers must be an object.");
  for (const auto& m : cb["headers"].GetObject()) {
    if (m.value.IsString() && m.value.GetStringLength() > kMaxHeaderValueBytes) {
      return TooLong("callback.headers", kMaxHeaderValueBytes);
    }
    std::string name(m.name.GetString(), m.name.GetStringLength());
    const std::string lower = common::AsciiLower(name);
    if (lower != "api-key" && lower != "authorization") {
      return BadField(
          "callback.headers." + name,
          "Invalid callback header `" + name + "`: only api-key and Authorization are accepted.");
    }
    if (!m.value.IsString()) {
      return BadField("callback.headers." + name, "Callback header values must be strings.");
    }
    out.headers.emplace_back(name, std::string(m.value.GetString(), m.value.GetStringLength()));
  }
  return std::nullopt;
}

std::optional<ApiFailure> ParseCallback(const rapidjson::Value& body, CallbackSpec& out) {
  const auto* cb = common::GetObject(body, "callback");
  if (!cb) return BadField("callback", "The request does not contain a valid callback.");
  const auto url = common::GetString(*cb, "url");
  auto parsed =
      url ? common::ParseUrl(*url) : common::Result<common::ParsedUrl>(common::Error{"", ""});
  if (!parsed || (parsed->scheme != "https" && parsed->scheme != "http")) {
    return BadField("callback.url",
                    "The callback URL is unreadable: it must be an absolute http(s) URL.");
  }
  if (url->size() > kMaxUrlBytes) return TooLong("callback.url", kMaxUrlBytes);
  out.url = std::string(*url);
  const auto state = common::GetString(*cb, "state");
  if (!state)
    return BadField("callback.state", "The request does not contain a callback state string.");
  if (state->size() > kMaxStateBytes) return TooLong("callback.state", kMaxStateBytes);
  out.state = std::string(*state);
  return ParseCallbackHeaders(*cb, out);
}

std::optional<ApiFailure> ParseAuthority(const rapidjson::Value& body, std::string& out) {
  const auto a = common::GetString(body, "authority");
  if (!a || !a->starts_with("did:") || a->size() > credentials::kMaxDidBytes) {
    return BadField("authority", "The request does not contain a valid authority DID.");
  }
  out = std::string(*a);
  return std::nullopt;
}

std::optional<ApiFailure> ParseRegistration(const rapidjson::Value& body, std::string& name,
                                            std::string* purpose) {
  credentials::Registration reg;
  if (auto f = credentials::ParseRegistration(body, "", reg)) return BadField(f->path, f->message);
  name = reg.client_name;
  if (purpose) *purpose = reg.purpose;
  return std::nullopt;
}

}  // namespace detail

namespace {

bool AllDigits(const std::string& s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

std::optional<ApiFailure> ParsePin(const rapidjson::Value& body, std::optional<PinSpec>& out) {
  if (!body.HasMember("pin")) return std::nullopt;
  const auto* pin = common::GetObject(body, "pin");
  if (!pin) return BadField("pin", "pin must be an object.");
  PinSpec spec;
  const auto value = common::GetString(*pin, "value");
  if (!value) return BadField("pin.value", "pin.value must be a string.");
  spec.value = std::string(*value);
  if (pin->HasMember("length")) {
    const auto len = common::GetInt64(*pin, "length");
    if (!len || *len < 4 || *len > 16)
      return BadField("pin.length", "pin.length must be an integer from 4 to 16.");
    spec.length = static_cast<int>(*len);
  }
  if (pin->HasMember("type") && common::GetString(*pin, "type").value_or("") != "numeric") {
    return BadField("pin.type", "pin.type must be \"numeric\".");
  }
  spec.hashed = pin->HasMember("salt") || pin->HasMember("alg") || pin->HasMember("iterations");
  if (spec.hashed) {
    const auto salt = common::GetString(*pin, "salt");
    if (!salt) return BadField("pin.salt", "pin.salt must be a string for a hashed PIN.");
    spec.salt = std::string(*salt);
    if (common::GetString(*pin, "alg").value_or("sha256") != "sha256") {
      return BadField("pin.alg", "pin.alg must be \"sha256\".");
    }
    if (pin->HasMember("iterations") && common::GetInt64(*pin, "iterations").value_or(0) != 1) {
      return BadField("pin.iterations", "pin.iterations must be 1.");
    }
  } else if (!AllDigits(spec.value) || spec.value.size() != static_cast<size_t>(spec.length)) {
    return BadField("pin.value", "pin.value must be " + std::to_string(spec.length) + " digits.");
  }
  out = spec;
  return std::nullopt;
}

std::optional<ApiFailure> ParseClaims(const rapidjson::Value& body,
                                      std::map<std::string, std::string>& out) {
  if (!body.HasMember("claims")) return std::nullopt;
  if (!body["claims"].IsObject()) return BadField("claims", "claims must be an object of strings.");
  if (body["claims"].MemberCount() > kMaxClaims) {
    return BadField("claims", "claims has more than " + std::to_string(kMaxClaims) + " members.");
  }
  for (const auto& m : body["claims"].GetObject()) {
    std::string name(m.name.GetString(), m.name.GetStringLength());
    if (name.size() > credentials::kMaxTypeBytes)
      return TooLong("claims", credentials::kMaxTypeBytes);
    if (!m.value.IsString())
      return BadField("claims." + name, "The claim `" + name + "` must be a string.");
    out[name] = std::string(m.value.GetString(), m.value.GetStringLength());
  }
  return std::nullopt;
}

std::optional<ApiFailure> ParseIssuanceFields(const rapidjson::Value& b, IssuanceSpec& s) {
  if (b.HasMember("type") && !b["type"].IsString())
    return BadField("type", "type must be a string.");
  s.type = std::string(common::GetString(b, "type").value_or(""));
  if (s.type.size() > credentials::kMaxTypeBytes)
    return TooLong("type", credentials::kMaxTypeBytes);
  const char* manifest_key = b.HasMember("manifest") ? "manifest" : "manifestUrl";
  const auto manifest = common::GetString(b, manifest_key);
  if (!manifest) return BadField("manifest", "The request does not contain a manifest URL.");
  if (manifest->size() > kMaxUrlBytes) return TooLong("manifest", kMaxUrlBytes);
  s.manifest = std::string(*manifest);
  if (auto f = ParseClaims(b, s.claims)) return f;
  if (auto f = ParsePin(b, s.pin)) return f;
  if (b.HasMember("expirationDate")) {
    const auto text = common::GetString(b, "expirationDate");
    s.expiration_date = text ? credentials::ParseIsoTime(*text) : std::nullopt;
    if (!s.expiration_date) {
      return BadField(
          "expirationDate",
          "expirationDate must be an ISO 8601 UTC date such as 2024-12-31T23:59:59.000Z.");
    }
  }
  return std::nullopt;
}

}  // namespace

ApiResult<IssuanceSpec> ParseIssuanceRequest(const std::string& body) {
  auto doc = detail::ParseBody(body);
  if (!doc.ok()) return doc.failure();
  const auto& b = *doc;
  IssuanceSpec s;
  if (auto f = detail::ParseOptionalBool(b, "includeQRCode", s.include_qr)) return *f;
  if (auto f = detail::ParseCallback(b, s.callback)) return *f;
  if (auto f = detail::ParseAuthority(b, s.authority)) return *f;
  if (auto f = detail::ParseRegistration(b, s.client_name, nullptr)) return *f;
  if (auto f = ParseIssuanceFields(b, s)) return *f;
  return s;
}

}  // namespace vc::request_service
