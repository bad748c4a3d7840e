#include "issuer/oid4vci_metadata.h"

#include <map>

#include "common/base/json.h"
#include "credentials/vc_jwt.h"

namespace vc::issuer {
using common::JsonWriter;

namespace {

// The contract's display (normalised by credentials::ParseDisplay), read for
// its locale, card and claim labels.
struct Display {
  std::string locale = "en-US";
  std::string name, description, background, text, logo, logo_alt, issued_by;
  std::map<std::string, std::string> labels;  // outputClaim -> label
};

Display ReadDisplay(const credentials::ContractConfig& c) {
  Display d;
  d.name = c.type;
  auto doc = common::ParseJsonObject(c.display);
  if (!doc) return d;
  const auto str = [](const rapidjson::Value* obj, const char* key) {
    return obj ? std::string(common::GetString(*obj, key).value_or("")) : std::string();
  };
  if (auto locale = common::GetString(*doc, "locale"); locale && !locale->empty())
    d.locale = std::string(*locale);
  const rapidjson::Value* card = common::GetObject(*doc, "card");
  if (!str(card, "title").empty()) d.name = str(card, "title");
  d.description = str(card, "description");
  d.background = str(card, "backgroundColor");
  d.text = str(card, "textColor");
  d.issued_by = str(card, "issuedBy");
  const rapidjson::Value* logo = card ? common::GetObject(*card, "logo") : nullptr;
  d.logo = str(logo, "uri");
  d.logo_alt = str(logo, "description");
  if (const rapidjson::Value* claims = common::GetObject(*doc, "claims")) {
    for (const auto& m : claims->GetObject()) {
      std::string path = m.name.GetString();
      const std::string prefix = "vc.credentialSubject.";
      if (path.starts_with(prefix)) path = path.substr(prefix.size());
      const std::string label = m.value.IsObject() ? str(&m.value, "label") : "";
      if (!label.empty()) d.labels[path] = label;
    }
  }
  return d;
}

void Member(JsonWriter& w, const char* key, const std::string& value) {
  if (!value.empty()) w.Member(key, value);
}

void WriteCardDisplay(JsonWriter& w, const Display& d) {
  w->Key("display");
  w->StartArray();
  w->StartObject();
  w.Member("name", d.name);
  w.Member("locale", d.locale);
  Member(w, "description", d.description);
  Member(w, "background_color", d.background);
  Member(w, "text_color", d.text);
  if (!d.logo.empty()) {
    w->Key("logo");
    w->StartObject();
    w.Member("uri", d.logo);
    Member(w, "alt_text", d.logo_alt);
    w->EndObject();
  }
  w->EndObject();
  w->EndArray();
}

// claims: [{path: [name], mandatory, display: [{name: label, locale}]}] (OpenID4VCI
// Appendix B.2); sd: "always" too for type metadata.
void WriteClaims(JsonWriter& w, const credentials::ContractConfig& c, const Display& d,
                 bool type_metadata) {
  w->Key("claims");
  w->StartArray();
  for (const auto& rule : c.claims) {
    w->StartObject();
    w->Key("path");
    w->StartArray();
    w.String(rule.output_claim);
    w->EndArray();
    if (type_metadata) {
      w.Member("sd", "always");
    } else {
      w.Member("mandatory", rule.required);
    }
    auto label = d.labels.find(rule.output_claim);
    w->Key("display");
    w->StartArray();
    w->StartObject();
    w.Member(type_metadata ? "label" : "name",
             label == d.labels.end() ? rule.output_claim : label->second);
    w.Member(type_metadata ? "lang" : "locale", d.locale);
    w->EndObject();
    w->EndArray();
    w->EndObject();
  }
  w->EndArray();
}

void WriteConfiguration(JsonWriter& w, const credentials::ContractConfig& c,
                        const std::string& issuer, common::JwsAlg alg) {
  const Display d = ReadDisplay(c);
  w->Key(c.id.c_str());
  w->StartObject();
  w.Member("format", credentials::kFormatSdJwtVc);
  w.Member("vct", VctFor(c, issuer));
  w.Member("scope", c.id);
  w->Key("cryptographic_binding_methods_supported");
  w->StartArray();
  w.String("jwk");
  w.String("did:jwk");
  w->EndArray();
  w->Key("credential_signing_alg_values_supported");
  w->StartArray();
  w.String(common::AlgName(alg));
  w->EndArray();
  w->Key("proof_types_supported");
  w->StartObject();
  w->Key("jwt");
  w->StartObject();
  w->Key("proof_signing_alg_values_supported");
  w->StartArray();
  for (auto a : credentials::kCredentialAlgs) w.String(common::AlgName(a));
  w->EndArray();
  w->EndObject();
  w->EndObject();
  w->Key("credential_metadata");
  w->StartObject();
  WriteCardDisplay(w, d);
  WriteClaims(w, c, d, false);
  w->EndObject();
  w->EndObject();
}

}  // namespace

std::string VctFor(const credentials::ContractConfig& contract, const std::string& issuer) {
  return contract.vct.empty() ? issuer + kOid4vciTypesPath + contract.id : contract.vct;
}

std::string CredentialIssuerMetadata(const std::string& issuer,
                                     const std::vector<credentials::ContractConfig>& contracts,
                                     common::JwsAlg signing_alg) {
  JsonWriter w;
  w->StartObject();
  w.Member("credential_issuer", issuer);
  w->Key("authorization_servers");
  w->StartArray();
  w.String(issuer);
  w->EndArray();
  w.Member("credential_endpoint", issuer + kOid4vciCredentialPath);
  w.Member("nonce_endpoint", issuer + kOid4vciNoncePath);
  std::string issuer_name;
  for (const auto& c : contracts) {
    if (issuer_name.empty()) issuer_name = ReadDisplay(c).issued_by;
  }
  w->Key("display");
  w->StartArray();
  w->StartObject();
  w.Member("name", issuer_name.empty() ? issuer : issuer_name);
  w.Member("locale", "en-US");
  w->EndObject();
  w->EndArray();
  w->Key("credential_configurations_supported");
  w->StartObject();
  for (const auto& c : contracts) {
    if (c.Issues(credentials::kFormatSdJwtVc)) WriteConfiguration(w, c, issuer, signing_alg);
  }
  w->EndObject();
  w->EndObject();
  return w.str();
}

std::string AuthorizationServerMetadata(const std::string& issuer) {
  JsonWriter w;
  w->StartObject();
  w.Member("issuer", issuer);
  w.Member("token_endpoint", issuer + kOid4vciTokenPath);
  w->Key("grant_types_supported");
  w->StartArray();
  w.String(kPreAuthorizedGrant);
  w->EndArray();
  w->Key("token_endpoint_auth_methods_supported");
  w->StartArray();
  w.String("none");
  w->EndArray();
  w->Key("response_types_supported");
  w->StartArray();
  w->EndArray();
  w.Member("pre-authorized_grant_anonymous_access_supported", true);
  w->EndObject();
  return w.str();
}

std::string JwtVcIssuerMetadata(const std::string& issuer, const std::string& jwks_json) {
  JsonWriter w;
  w->StartObject();
  w.Member("issuer", issuer);
  w->Key("jwks");
  w->RawValue(jwks_json.data(), jwks_json.size(), rapidjson::kObjectType);
  w->EndObject();
  return w.str();
}

std::string TypeMetadata(const credentials::ContractConfig& c, const std::string& issuer) {
  const Display d = ReadDisplay(c);
  JsonWriter w;
  w->StartObject();
  w.Member("vct", VctFor(c, issuer));
  w.Member("name", d.name);
  Member(w, "description", d.description);
  w->Key("display");
  w->StartArray();
  w->StartObject();
  w.Member("lang", d.locale);
  w.Member("name", d.name);
  Member(w, "description", d.description);
  w->EndObject();
  w->EndArray();
  WriteClaims(w, c, d, true);
  w->EndObject();
  return w.str();
}

}  // namespace vc::issuer
