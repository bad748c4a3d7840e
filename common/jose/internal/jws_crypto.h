// Internal to common/jose: the signature primitive behind each JWS algorithm. The
// callers (jws.cpp) have already checked the allow-list and that the key fits
// the algorithm; these functions only do the cryptography.
#pragma once

#include <string>
#include <string_view>

#include "common/base/result.h"
#include "common/jose/jwk.h"

namespace vc::common::jws_crypto {

// The JWS signature over `input` (JOSE form: raw R || S for ECDSA). Error
// "key_mismatch" if OpenSSL refuses the key.
Result<std::string> Sign(const Jwk& key, JwsAlg alg, std::string_view input);

// Ok if `signature` is valid for `input`; otherwise "invalid_signature", with
// a message saying whether the length or the value was wrong. Safe to call for
// one key from many threads at once: the key is only read, and the RSA/ECDSA
// verification contexts are cached per thread (EdDSA/HMAC use fresh ones).
Status Verify(const Jwk& key, JwsAlg alg, std::string_view input, std::string_view signature);

}  // namespace vc::common::jws_crypto
