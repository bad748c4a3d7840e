#include "issuer/casdoor_envelope.h"

#include "common/base/json.h"

namespace vc::issuer {

common::HttpServerResponse Envelope(int status, const std::string& code, const std::string& msg,
                                    const std::string& data_json) {
  common::JsonWriter w;
  w->StartObject();
  w.Member("status", code.empty() ? "ok" : "error");
  if (!code.empty()) {
    w.Member("code", code);
  }
  w.Member("msg", msg);
  w->EndObject();
  std::string body = w.str();
  if (!data_json.empty()) body.insert(body.size() - 1, ",\"data\":" + data_json);
  return common::HttpServerResponse::Json(status, body);
}

common::HttpServerResponse Fail(const ProofingFailure& f) {
  const int status = HttpStatus(f.reason);
  auto resp =
      Envelope(status, Code(f), status >= 500 ? "the service failed; try again later" : f.message);
  if (status == 503) resp.SetHeader("Retry-After", "5");
  return resp;
}

std::string JsonString(const std::string& s) {
  common::JsonWriter w;
  w->String(s);
  return w.str();
}

}  // namespace vc::issuer
