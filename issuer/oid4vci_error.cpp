#include "issuer/oid4vci_error.h"

#include <array>

#include "common/base/json.h"

namespace vc::issuer {

namespace {

struct Row {
  std::string_view code;
  int status;
};

constexpr std::array<Row, 13> kTable = {{
    {"invalid_request", 400},
    {"invalid_grant", 400},
    {"unsupported_grant_type", 400},
    {"invalid_token", 401},
    {"invalid_credential_request", 400},
    {"unknown_credential_configuration", 400},
    {"unsupported_credential_format", 400},
    {"invalid_proof", 400},
    {"invalid_nonce", 400},
    {"credential_request_denied", 400},
    {"offer_not_found", 404},
    {"not_found", 404},
    {"server_error", 500},
}};

}  // namespace

std::string_view Code(Oid4vciError e) { return kTable[static_cast<size_t>(e)].code; }
int HttpStatus(Oid4vciError e) { return kTable[static_cast<size_t>(e)].status; }

common::HttpServerResponse ErrorResponse(const Oid4vciFailure& f) {
  common::JsonWriter w;
  w->StartObject();
  w.Member("error", Code(f.reason));
  w.Member("error_description", f.message);
  w->EndObject();
  auto resp = common::HttpServerResponse::Json(HttpStatus(f.reason), w.str());
  if (f.reason == Oid4vciError::kInvalidToken) {
    resp.SetHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
  }
  resp.SetHeader("Cache-Control", "no-store");
  return resp;
}

}  // namespace vc::issuer
