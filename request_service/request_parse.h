// Parsing and validation of createIssuanceRequest / createPresentationRequest
// bodies (spec §2, §3, §10 "Validation"). Every refusal is a 400
// badOrMissingField whose target is the JSON path at fault, so callers can fix
// their request from the message alone. Checks against this service's own
// state (authority, manifest URL, contract claims) are the service's job.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "credentials/presentation.h"
#include "request_service/api_error.h"

namespace vc::request_service {

struct CallbackSpec {
  std::string url;
  std::string state;
  std::vector<std::pair<std::string, std::string>> headers;  // only api-key / Authorization
};

struct PinSpec {
  std::string value;  // plain PIN, or Base64(SHA-256(salt + pin)) when hashed
  int length = 6;
  bool hashed = false;
  std::string salt;
};

struct IssuanceSpec {
  bool include_qr = false;
  std::string authority;
  CallbackSpec callback;
  std::string client_name;
  std::string type;
  std::string manifest;  // "manifest" or its alias "manifestUrl"
  std::map<std::string, std::string> claims;
  std::optional<PinSpec> pin;
  std::optional<int64_t> expiration_date;
};

struct PresentationSpec {
  bool include_qr = false;
  bool include_receipt = false;
  std::string authority;
  CallbackSpec callback;
  std::string client_name;
  std::string purpose;
  std::vector<credentials::RequestedCredential> requested;
};

// `body` is the raw request body (parsed here with UTF-8 validation and limits).
ApiResult<IssuanceSpec> ParseIssuanceRequest(const std::string& body);
ApiResult<PresentationSpec> ParsePresentationRequest(const std::string& body);

namespace detail {
// Shared by both parsers: callback, includeQRCode, authority, registration.
std::optional<ApiFailure> ParseCallback(const rapidjson::Value& body, CallbackSpec& out);
std::optional<ApiFailure> ParseOptionalBool(const rapidjson::Value& body, const char* name,
                                            bool& out);
std::optional<ApiFailure> ParseAuthority(const rapidjson::Value& body, std::string& out);
std::optional<ApiFailure> ParseRegistration(const rapidjson::Value& body, std::string& name,
                                            std::string* purpose);
ApiResult<rapidjson::Document> ParseBody(const std::string& body);
}  // namespace detail

}  // namespace vc::request_service
