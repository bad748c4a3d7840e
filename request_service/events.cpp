#include "request_service/events.h"

#include "common/base/json.h"

namespace vc::request_service {
using common::JsonWriter;

namespace {

void Head(JsonWriter& w, const std::string& id, const std::string& status,
          const std::string& state) {
  w.Member("requestId", id);
  w.Member("requestStatus", status);
  w.Member("state", state);
}

void WriteCredential(JsonWriter& w, const credentials::VerifiedCredentialData& d) {
  w->StartObject();
  w.Member("issuer", d.vc.issuer);
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
  w.Member("revocationStatus", d.revoked ? "REVOKED" : "VALID");
  w->EndObject();
  if (!d.domain.empty()) {
    w->Key("domainValidation");
    w->StartObject();
    w.Member("url", d.domain);
    w->EndObject();
  }
  w.Member("issuanceDate", credentials::IsoTime(d.vc.iat));
  if (d.vc.exp) {
    w.Member("expirationDate", credentials::IsoTime(*d.vc.exp));
  }
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
    w.Member("code", error_code);
    w.Member("message", error_message);
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
  w.Member("subject", p.subject);
  w->Key("verifiedCredentialsData");
  w->StartArray();
  for (const auto& d : p.credentials) WriteCredential(w, d);
  w->EndArray();
  if (receipt) {
    w->Key("receipt");
    w->StartObject();
    w.Member("id_token", receipt->id_token);
    w.Member("vp_token", receipt->vp_token);
    w.Member("state", receipt->state);
    w->EndObject();
  }
  w->EndObject();
  return w.str();
}

}  // namespace vc::request_service
