#include "common/jose/jose_error.h"

namespace vc::common {

std::string_view Code(JoseError e) {
  switch (e) {
    case JoseError::kMalformed:
      return "malformed_token";
    case JoseError::kInvalidHeader:
      return "invalid_header";
    case JoseError::kMissingAlg:
      return "missing_alg";
    case JoseError::kUnsupportedAlg:
      return "unsupported_alg";
    case JoseError::kAlgNotAllowed:
      return "alg_not_allowed";
    case JoseError::kKeyMismatch:
      return "key_mismatch";
    case JoseError::kInvalidSignature:
      return "invalid_signature";
    case JoseError::kInvalidPayload:
      return "invalid_payload";
  }
  return "unknown";
}

Error MakeJoseError(JoseError e, std::string message) {
  return Error{std::string(Code(e)), std::move(message)};
}

}  // namespace vc::common
