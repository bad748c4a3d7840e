#include "issuer/casdoor_envelope.h"

#include <map>

#include "common/base/json.h"

namespace vc::issuer {

int HttpStatusForCode(const std::string& code) {
  // clang-format off
  static const std::map<std::string, int> kStatus = {
      {"unauthenticated", 401}, {"forbidden", 403}, {"identity_not_found", 404},
      {"unknown_provider", 404}, {"identity_incomplete", 400}, {"invalid_input", 400},
      {"field_read_only", 400}, {"reason_required", 400}, {"already_verified", 409},
      {"identity_locked", 409}, {"provider_unavailable", 503}, {"provider_error", 502},
      {"not_verified", 409}, {"issuance_not_configured", 409}, {"missing_claim", 409},
      {"issuance_not_found", 404}, {"request_service_unavailable", 502},
      {"unsupported_media_type", 415}};
  // clang-format on
  auto it = kStatus.find(code);
  return it == kStatus.end() ? 500 : it->second;
}

common::HttpServerResponse Envelope(int status, const std::string& code, const std::string& msg,
                                    const std::string& data_json) {
  common::JsonWriter w;
  w->StartObject();
  w->Key("status");
  w->String(code.empty() ? "ok" : "error");
  if (!code.empty()) {
    w->Key("code");
    w->String(code);
  }
  w->Key("msg");
  w->String(msg);
  w->EndObject();
  std::string body = w.str();
  if (!data_json.empty()) body.insert(body.size() - 1, ",\"data\":" + data_json);
  return common::HttpServerResponse::Json(status, body);
}

common::HttpServerResponse Fail(const common::Error& e) {
  const int status = HttpStatusForCode(e.code);
  return Envelope(status, e.code,
                  status >= 500 ? "the service failed; try again later" : e.message);
}

std::string JsonString(const std::string& s) {
  common::JsonWriter w;
  w->String(s);
  return w.str();
}

}  // namespace vc::issuer
