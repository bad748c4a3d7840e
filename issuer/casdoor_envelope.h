// Casdoor's answer envelope for the account API (identity_routes.h,
// account_issuance_routes.h): {"status":"ok"|"error","msg":…,"data":…} plus a
// stable "code" on errors, with an HTTP status that says the same.
#pragma once

#include <string>

#include "common/http/http_message.h"
#include "issuer/proofing_error.h"

namespace vc::issuer {

// The envelope; `data_json` must already be JSON ("" = no data member); an
// empty `code` is success.
common::HttpServerResponse Envelope(int status, const std::string& code, const std::string& msg,
                                    const std::string& data_json = "");

// A failure as an envelope with its code and HttpStatus (proofing_error.h);
// 5xx answers never carry the failure's own message.
common::HttpServerResponse Fail(const ProofingFailure& f);

// A JSON string literal.
std::string JsonString(const std::string& s);

}  // namespace vc::issuer
