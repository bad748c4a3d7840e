#include "credentials/contract.h"

#include "common/base/base64url.h"
#include "common/base/crypto.h"
#include "common/base/json.h"

namespace vc::credentials {
using common::Error;
using common::JsonWriter;
using common::Result;

namespace {

void WriteDisplay(JsonWriter& w, const std::string& display_json) {
  auto display = common::ParseJsonObject(display_json);
  w->Key("display");
  w->StartObject();
  const auto locale = display ? common::GetString(*display, "locale") : std::nullopt;
  w.Member("locale", std::string(locale.value_or("en-US")));
  if (display) {
    for (const char* part : {"card", "consent", "claims"}) {
      if (const auto* v = common::GetObject(*display, part)) {
        w->Key(part);
        const std::string text = common::ToJson(*v);
        w->RawValue(text.data(), text.size(), rapidjson::kObjectType);
      }
    }
  }
  w->EndObject();
}

void WriteAttestations(JsonWriter& w, const std::vector<ContractClaim>& rules) {
  w->Key("attestations");
  w->StartObject();
  w->Key("idTokens");
  w->StartArray();
  w->StartObject();
  w.Member("configuration", "https://self-issued.me");
  w.Member("client_id", "");
  w.Member("redirect_uri", "");
  w.Member("scope", "openid");
  w->Key("claims");
  w->StartArray();
  for (const auto& r : rules) {
    w->StartObject();
    w.Member("claim", "$." + r.input_claim);
    w.Member("required", r.required);
    w.Member("indexed", r.indexed);
    w->EndObject();
  }
  w->EndArray();
  w.Member("required", true);
  w->EndObject();
  w->EndArray();
  w->EndObject();
}

}  // namespace

Result<Claims> Contract::MapClaims(const std::map<std::string, std::string>& input) const {
  Claims out;
  for (const auto& rule : config_.claims) {
    auto it = input.find(rule.input_claim);
    if (it == input.end()) {
      if (rule.required) {
        return Error{"missing_claim", "the claim `" + rule.input_claim +
                                          "` is required by contract `" + config_.id + "`"};
      }
      continue;
    }
    out.emplace_back(rule.output_claim.empty() ? rule.input_claim : rule.output_claim, it->second);
  }
  return out;
}

std::string Contract::IndexedValue(const Claims& subject) const {
  for (const auto& rule : config_.claims) {
    if (!rule.indexed) continue;
    const std::string& name = rule.output_claim.empty() ? rule.input_claim : rule.output_claim;
    for (const auto& [k, v] : subject) {
      if (k == name) return v;
    }
  }
  return "";
}

std::string Contract::ManifestPayload(const std::string& issuer_did,
                                      const std::string& manifest_url,
                                      const std::string& credential_issuer_url) const {
  JsonWriter w;
  w->StartObject();
  w.Member("id", config_.id);
  w.Member("iss", issuer_did);
  w.Member("contract", manifest_url);
  WriteDisplay(w, config_.display);
  w->Key("input");
  w->StartObject();
  w.Member("id", "input");
  w.Member("credentialIssuer", credential_issuer_url);
  w.Member("issuer", issuer_did);
  WriteAttestations(w, config_.claims);
  w->EndObject();
  w->EndObject();
  return w.str();
}

std::string IndexClaimHash(const std::string& contract_id, const std::string& value) {
  return common::Base64Encode(common::Sha256(contract_id + value));
}

}  // namespace vc::credentials
