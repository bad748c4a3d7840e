// The reasons a JOSE object is refused, shared by the JWS layer (jws.h) and
// its signature primitives (internal/jws_crypto.h), so neither includes the other.
#pragma once

#include <string>
#include <string_view>

#include "common/base/result.h"

namespace vc::common {

// One value per reason a token is refused; Code() gives the stable string.
enum class JoseError {
  kMalformed,         // not three base64url parts, empty parts, or oversize
  kInvalidHeader,     // header is not a JSON object (or has duplicate members, is
                      // over 8 KiB or 8 levels deep, has a non-string kid/typ, or "crit")
  kMissingAlg,        // header has no "alg" string
  kUnsupportedAlg,    // "alg" names an algorithm we do not implement ("none" included)
  kAlgNotAllowed,     // a known algorithm this use does not allow
  kKeyMismatch,       // the key cannot be used with "alg" (e.g. HS256 with an RSA key)
  kInvalidSignature,  // the signature does not verify (or has the wrong length)
  kInvalidPayload,    // payload is required to be a JSON object and is not
};
std::string_view Code(JoseError e);
Error MakeJoseError(JoseError e, std::string message);

}  // namespace vc::common
