// Casdoor's answer envelope for the account API (identity_routes.h,
// account_issuance_routes.h): {"status":"ok"|"error","msg":…,"data":…} plus a
// stable "code" on errors, with an HTTP status that says the same.
#pragma once

#include <string>

#include "common/base/result.h"
#include "common/http/http_message.h"

namespace vc::issuer {

// The HTTP status for an error code of IdentityService, the providers or the
// account issuance routes; 500 for codes it does not know.
int HttpStatusForCode(const std::string& code);

// The envelope; `data_json` must already be JSON ("" = no data member); an
// empty `code` is success.
common::HttpServerResponse Envelope(int status, const std::string& code, const std::string& msg,
                                    const std::string& data_json = "");

// An error as an envelope with HttpStatusForCode; 5xx answers never carry the
// error's own message.
common::HttpServerResponse Fail(const common::Error& e);

// A JSON string literal.
std::string JsonString(const std::string& s);

}  // namespace vc::issuer
