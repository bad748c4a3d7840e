#include "credentials/contract_display.h"

#include <set>

#include "common/base/json.h"

namespace vc::credentials {
namespace {

constexpr std::string_view kClaimPrefix = "vc.credentialSubject.";

struct DisplayClaim {
  std::string path, type = "String", label, description;
};

// The fields of one claim's entry (both shapes), checked at `node`.
void ReadClaimFields(const common::ConfigNode& node, DisplayClaim& out) {
  if (!node.NonEmptyString("label", &out.label)) node.FailAt("label", "is required");
  node.NonEmptyString("type", &out.type);
  node.String("description", &out.description);
}

void CheckPath(const common::ConfigNode& node, const char* key, const std::string& path) {
  if (!path.starts_with(kClaimPrefix) || path.size() == kClaimPrefix.size()) {
    const std::string why = "must start with vc.credentialSubject. and name a claim";
    if (key == nullptr) node.Fail(why);
    node.FailAt(key, why);
  }
}

std::vector<DisplayClaim> ReadClaims(const common::ConfigNode& display) {
  std::vector<DisplayClaim> out;
  const rapidjson::Value& v = display.value();
  const auto it = v.FindMember("claims");
  if (it == v.MemberEnd() || it->value.IsNull()) return out;
  if (it->value.IsArray()) {
    for (const common::ConfigNode& item : display.Array("claims")) {
      item.RequireObject();
      item.AllowOnly({"claim", "label", "type", "description"});
      DisplayClaim c;
      if (!item.NonEmptyString("claim", &c.path)) item.FailAt("claim", "is required");
      CheckPath(item, "claim", c.path);
      ReadClaimFields(item, c);
      out.push_back(std::move(c));
    }
  } else if (it->value.IsObject()) {
    for (const auto& [name, item] : display.Object("claims")->Members()) {
      CheckPath(item, nullptr, name);
      item.RequireObject();
      item.AllowOnly({"label", "type", "description"});
      DisplayClaim c;
      c.path = name;
      ReadClaimFields(item, c);
      out.push_back(std::move(c));
    }
  } else {
    display.FailAt("claims",
                   "must be an array of {claim, label, type} (Entra's display definition) or "
                   "an object keyed by claim path");
  }
  return out;
}

}  // namespace

std::string ParseDisplay(const common::ConfigNode& display) {
  display.RequireObject();
  display.AllowOnly({"locale", "card", "consent", "claims"});
  std::string locale = "en-US";
  display.NonEmptyString("locale", &locale);
  const std::vector<DisplayClaim> claims = ReadClaims(display);
  common::JsonWriter w;
  w->StartObject();
  w.Member("locale", locale);
  for (const char* part : {"card", "consent"}) {
    if (std::optional<common::ConfigNode> node = display.Object(part)) {
      w->Key(part);
      const std::string raw = node->Raw();
      w->RawValue(raw.data(), raw.size(), rapidjson::kObjectType);
    }
  }
  w->Key("claims");
  w->StartObject();
  std::set<std::string> seen;
  for (const DisplayClaim& c : claims) {
    if (!seen.insert(c.path).second) {
      display.FailAt("claims", c.path + " is described twice");
    }
    w.String(c.path);
    w->StartObject();
    w.Member("type", c.type);
    w.Member("label", c.label);
    if (!c.description.empty()) {
      w.Member("description", c.description);
    }
    w->EndObject();
  }
  w->EndObject();
  w->EndObject();
  return w.str();
}

}  // namespace vc::credentials
