#include "credentials/dcql.h"

#include <set>

namespace vc::credentials {
using common::Error;
using common::Result;

namespace {

Error Invalid(const std::string& why) { return Error{"invalid_dcql", why}; }

Result<std::vector<std::vector<std::string>>> ParseClaims(const rapidjson::Value& q,
                                                          const std::string& id) {
  std::vector<std::vector<std::string>> out;
  if (!q.HasMember("claims")) return out;
  const auto* claims = common::GetArray(q, "claims");
  if (!claims || claims->Empty()) return Invalid(id + ": claims is not a non-empty array");
  for (const auto& c : claims->GetArray()) {
    const auto* path = c.IsObject() ? common::GetArray(c, "path") : nullptr;
    if (!path || path->Empty()) return Invalid(id + ": a claim has no path");
    std::vector<std::string> keys;
    for (const auto& part : path->GetArray()) {
      if (!part.IsString()) return Invalid(id + ": only object keys are supported in claim paths");
      keys.emplace_back(part.GetString(), part.GetStringLength());
    }
    out.push_back(std::move(keys));
  }
  return out;
}

Result<DcqlCredentialQuery> ParseCredentialQuery(const rapidjson::Value& q) {
  if (!q.IsObject()) return Invalid("a credential query is not an object");
  DcqlCredentialQuery out;
  out.id = std::string(common::GetString(q, "id").value_or(""));
  if (!IsDcqlId(out.id)) return Invalid("a credential query has no valid id");
  out.format = std::string(common::GetString(q, "format").value_or(""));
  if (out.format.empty()) return Invalid(out.id + ": no format");
  if (q.HasMember("claim_sets")) return Invalid(out.id + ": claim_sets are not supported");
  const auto* meta = common::GetObject(q, "meta");
  if (const auto* vct = meta ? common::GetArray(*meta, "vct_values") : nullptr) {
    for (const auto& v : vct->GetArray()) {
      if (v.IsString()) out.vct_values.emplace_back(v.GetString(), v.GetStringLength());
    }
  }
  auto claims = ParseClaims(q, out.id);
  if (!claims) return claims.error();
  out.claims = std::move(*claims);
  return out;
}

}  // namespace

bool IsDcqlId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

void WriteDcqlQuery(common::JsonWriter& w, const std::vector<DcqlCredentialQuery>& queries) {
  w->StartObject();
  w->Key("credentials");
  w->StartArray();
  for (const auto& q : queries) {
    w->StartObject();
    w.Member("id", q.id);
    w.Member("format", q.format);
    w->Key("meta");
    w->StartObject();
    w->Key("vct_values");
    w->StartArray();
    for (const auto& v : q.vct_values) w.String(v);
    w->EndArray();
    w->EndObject();
    if (!q.claims.empty()) {
      w->Key("claims");
      w->StartArray();
      for (const auto& path : q.claims) {
        w->StartObject();
        w->Key("path");
        w->StartArray();
        for (const auto& key : path) w.String(key);
        w->EndArray();
        w->EndObject();
      }
      w->EndArray();
    }
    w->EndObject();
  }
  w->EndArray();
  w->EndObject();
}

Result<std::vector<DcqlCredentialQuery>> ParseDcqlQuery(const rapidjson::Value& query) {
  if (!query.IsObject()) return Invalid("dcql_query is not an object");
  if (query.HasMember("credential_sets")) return Invalid("credential_sets are not supported");
  const auto* creds = common::GetArray(query, "credentials");
  if (!creds || creds->Empty()) return Invalid("dcql_query has no credentials");
  std::vector<DcqlCredentialQuery> out;
  std::set<std::string> ids;
  for (const auto& q : creds->GetArray()) {
    auto parsed = ParseCredentialQuery(q);
    if (!parsed) return parsed.error();
    if (!ids.insert(parsed->id).second) return Invalid("the id " + parsed->id + " appears twice");
    out.push_back(std::move(*parsed));
  }
  return out;
}

Result<VpToken> ParseVpToken(std::string_view json) {
  auto doc = common::ParseJsonObject(json, {512 * 1024, 8});
  if (!doc) return Error{"malformed_vp_token", "vp_token is not a JSON object"};
  VpToken out;
  for (const auto& m : doc->GetObject()) {
    const std::string id(m.name.GetString(), m.name.GetStringLength());
    if (!m.value.IsArray() || m.value.Empty())
      return Error{"malformed_vp_token", "vp_token." + id + " is not a non-empty array"};
    auto& list = out[id];
    for (const auto& p : m.value.GetArray()) {
      if (!p.IsString())
        return Error{"malformed_vp_token", "vp_token." + id + " holds a non-string presentation"};
      list.emplace_back(p.GetString(), p.GetStringLength());
    }
  }
  return out;
}

std::string WriteVpToken(const VpToken& token) {
  common::JsonWriter w;
  w->StartObject();
  for (const auto& [id, list] : token) {
    w->Key(id.c_str(), static_cast<rapidjson::SizeType>(id.size()));
    w->StartArray();
    for (const auto& p : list) w.String(p);
    w->EndArray();
  }
  w->EndObject();
  return w.str();
}

}  // namespace vc::credentials
