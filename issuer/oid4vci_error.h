// Why an OpenID4VCI endpoint refused: one enum and one table
// (oid4vci_error.cpp) giving each value the spec's error code and HTTP status.
// Token errors are RFC 6749 §5.2 (OpenID4VCI 1.0 §6.3), the bearer error RFC
// 6750 §3.1, credential errors OpenID4VCI 1.0 §8.3.1.2. The answer is always
// {"error": code, "error_description": message}.
#pragma once

#include <string>
#include <string_view>

#include "common/base/result.h"
#include "common/http/http_message.h"

namespace vc::issuer {

enum class Oid4vciError {
  kInvalidRequest,            // "invalid_request" 400: missing/duplicated parameter, tx_code
                              // missing when required or sent when not
  kInvalidGrant,              // "invalid_grant" 400: pre-authorized code unknown, used, expired
                              // or dead; wrong tx_code
  kUnsupportedGrantType,      // "unsupported_grant_type" 400
  kInvalidToken,              // "invalid_token" 401: access token unknown, expired or spent
  kInvalidCredentialRequest,  // "invalid_credential_request" 400
  kUnknownCredentialConfiguration,  // "unknown_credential_configuration" 400
  kUnsupportedCredentialFormat,     // "unsupported_credential_format" 400
  kInvalidProof,                    // "invalid_proof" 400
  kInvalidNonce,                    // "invalid_nonce" 400: missing, unknown, used or expired
  kCredentialRequestDenied,         // "credential_request_denied" 400
  kOfferNotFound,                   // "offer_not_found" 404: no such offer, or expired
  kNotFound,                        // "not_found" 404: no such status list or type
  kServerError,                     // "server_error" 500: storage or signing failed
};

std::string_view Code(Oid4vciError e);
int HttpStatus(Oid4vciError e);

using Oid4vciFailure = common::Failure<Oid4vciError>;
template <typename T>
using Oid4vciResult = common::Result<T, Oid4vciFailure>;

// The error response: JSON {error, error_description}; 401s carry
// WWW-Authenticate: Bearer error="invalid_token" (RFC 6750 §3).
common::HttpServerResponse ErrorResponse(const Oid4vciFailure& f);

}  // namespace vc::issuer
