#include "request_service/events.h"

#include "common/base/json.h"

namespace vc::request_service {
using common::JsonWriter;

namespace {

void Head(JsonWriter& w, const std::string& id, const std::string& status,
          const std::string& state) {
  w->Key("requestId");
  w->String(id);
  w->Key("requestStatus");
  w->String(status);
  w->Key("state");
  w->String(state);
}

void WriteCredential(JsonWriter& w, const credentials::VerifiedCredentialData& d) {
  w->StartObject();
  w->Key("issuer");
  w->String(d.vc.issuer);
  w->Key("type");
  w->StartArray();
  for (const auto& t : d.vc.types) w->String(t);
  w->EndArray();
  w->Key("claims");
  w->StartObject();
  for (const auto& [k, v] : d.vc.claims) {
    w->Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
    w->String(v);
  }
  w->EndObject();
  w->Key("credentialState");
  w->StartObject();
  w->Key("revocationStatus");
  w->String(d.revoked ? "REVOKED" : "VALID");
  w->EndObject();
  if (!d.domain.empty()) {
    w->Key("domainValidation");
    w->StartObject();
    w->Key("url");
    w->String(d.domain);
    w->EndObject();
  }
  w->Key("issuanceDate");
  w->String(credentials::IsoTime(d.vc.iat));
  w->Key("expirationDate");
  w->String(credentials::IsoTime(d.vc.exp));
  w->EndObject();
}

}  // namespace

std::string SimpleEvent(const std::string& request_id, const std::string& status,
                        const std::string& state, const std::string& error_code,
                        const std::string& error_message) {
  JsonWriter w;
  w->StartObject();
  Head(w, request_id, status, state);
  if (!error_code.empty()) {
    w->Key("error");
    w->StartObject();
    w->Key("code");
    w->String(error_code);
    w->Key("message");
    w->String(error_message);
    w->EndObject();
  }
  w->EndObject();
  return w.str();
}

std::string PresentationVerifiedEvent(const std::string& request_id, const std::string& state,
                                      const credentials::VerifiedPresentation& p,
                                      const Receipt* receipt) {
  JsonWriter w;
  w->StartObject();
  Head(w, request_id, "presentation_verified", state);
  w->Key("subject");
  w->String(p.subject);
  w->Key("verifiedCredentialsData");
  w->StartArray();
  for (const auto& d : p.credentials) WriteCredential(w, d);
  w->EndArray();
  if (receipt) {
    w->Key("receipt");
    w->StartObject();
    w->Key("id_token");
    w->String(receipt->id_token);
    w->Key("vp_token");
    w->String(receipt->vp_token);
    w->Key("state");
    w->String(receipt->state);
    w->EndObject();
  }
  w->EndObject();
  return w.str();
}

}  // namespace vc::request_service
