// Selective Disclosure for JWTs (SD-JWT, RFC 9901) as SD-JWT VCs use it:
// issuing (salted disclosures, their SHA-256 digests in "_sd", "_sd_alg":
// "sha-256", serialization <jwt>~<disclosure>~…~), and verifying what a holder
// or a wallet received or presents (signature, digests recomputed, duplicate
// and unreferenced disclosures refused, the Key Binding JWT checked against
// cnf.jwk with its sd_hash). The OpenID4VCI issuer issues with it; vcwallet
// checks what it received; a verifier (OpenID4VP) checks presentations.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"
#include "common/jose/jwk.h"
#include "common/jose/jws.h"

namespace vc::credentials {

// One value per reason an SD-JWT is refused; Code() gives the stable string.
enum class SdJwtError {
  kMalformed,               // not <jwt>~[<disclosure>~]…[<kb-jwt>], or a part does not decode
  kInvalidSignature,        // the issuer-signed JWT does not verify (the JOSE reason follows)
  kWrongType,               // the header typ is not the one expected (dc+sd-jwt)
  kInvalidClaims,           // exp passed, nbf/iat in the future, a required claim missing
  kUnsupportedSdAlg,        // _sd_alg is not "sha-256"
  kInvalidDisclosure,       // not [salt, name, value] / [salt, value], or a reserved name
  kDuplicateDigest,         // a digest appears twice in the payload, or a disclosure twice
  kUnreferencedDisclosure,  // a disclosure whose digest the payload does not contain
  kClaimConflict,           // a disclosed name already exists in its object
  kKeyBindingRequired,      // no Key Binding JWT, but the verifier asked for one
  kInvalidKeyBinding,       // KB-JWT: typ, signature by cnf.jwk, aud, nonce, iat or sd_hash
};
// "malformed_sd_jwt", "invalid_signature", "wrong_type", "invalid_claims",
// "unsupported_sd_alg", "invalid_disclosure", "duplicate_digest",
// "unreferenced_disclosure", "claim_conflict", "key_binding_required",
// "invalid_key_binding"
std::string_view Code(SdJwtError e);
using SdJwtFailure = common::Failure<SdJwtError>;
template <typename T>
using SdJwtResult = common::Result<T, SdJwtFailure>;

struct Disclosure {
  std::string encoded;     // base64url of the JSON array, exactly as transmitted
  std::string salt;        // base64url, 128 random bits when we make it
  std::string name;        // empty for an array element disclosure
  std::string value_json;  // the disclosed value as JSON text
  std::string digest;      // base64url(SHA-256(ASCII(encoded)))
};

// An object property disclosure ["salt", "name", value] with a fresh salt, or
// with the given one (test vectors).
Disclosure MakeDisclosure(std::string_view name, std::string_view value_json);
Disclosure MakeDisclosure(std::string salt, std::string_view name, std::string_view value_json);
// Decodes one disclosure: base64url of a JSON array of 3 (property) or 2
// (array element) members whose salt is a string; a property name must be a
// string other than "_sd" and "...".
SdJwtResult<Disclosure> ParseDisclosure(std::string_view encoded);
// base64url(SHA-256(text)): the digest of a disclosure, and the sd_hash.
std::string SdDigest(std::string_view text);

struct SdJwtClaim {
  std::string name;
  std::string value_json;  // any JSON value
};

struct SdJwtToIssue {
  std::string typ = "dc+sd-jwt";
  std::string kid;
  // Always-visible claims: a JSON object text (iss, vct, iat, exp, cnf, status…).
  std::string plain_claims_json = "{}";
  // Top-level claims made selectively disclosable, one salted disclosure each.
  std::vector<SdJwtClaim> disclosed;
};

// Signs the issuer JWT (its payload is the plain claims plus "_sd" — the
// disclosures' digests, sorted so their order reveals nothing — and
// "_sd_alg": "sha-256") and returns <jwt>~<d1>~…~<dn>~. Errors: "key_mismatch"
// (the key cannot sign with `alg`), "invalid_claims" (plain_claims_json is not
// an object, or it already holds a disclosed name, "_sd" or "_sd_alg").
common::Result<std::string> IssueSdJwt(const SdJwtToIssue& sd_jwt, const common::Jwk& key,
                                       common::JwsAlg alg);

struct SdJwtParts {
  std::string issuer_jwt;
  std::vector<std::string> disclosures;
  std::string kb_jwt;      // "" when the serialization ends with '~'
  std::string without_kb;  // everything up to and including the last '~'
};
// Splits <jwt>~<d>~…~[<kb-jwt>] (no empty disclosure, at most 64 KiB).
SdJwtResult<SdJwtParts> SplitSdJwt(std::string_view serialized);

// A presentation: the SD-JWT with the chosen disclosures and a Key Binding
// JWT (typ "kb+jwt", {iat, aud, nonce, sd_hash}) signed by the holder's key.
common::Result<std::string> PresentSdJwt(const SdJwtParts& issued,
                                         const std::vector<std::string>& disclosures,
                                         const common::Jwk& holder_key, common::JwsAlg alg,
                                         const std::string& audience, const std::string& nonce,
                                         int64_t iat);

struct KeyBindingCheck {
  std::string audience;
  std::string nonce;
  int64_t max_age_seconds = 300;  // how old the KB-JWT's iat may be
};

struct SdJwtVerifyOptions {
  std::string expected_typ = "dc+sd-jwt";  // "" accepts any typ
  int64_t now = 0;
  int64_t skew_seconds = 60;
  bool require_exp = false;
  // Set: a KB-JWT must be present and pass these checks. Unset: a KB-JWT that
  // is present is still verified against cnf.jwk, without aud/nonce checks.
  std::optional<KeyBindingCheck> key_binding;
};

struct VerifiedSdJwt {
  common::JwsToken issuer_jwt;  // header, typ, kid of the issuer-signed JWT
  // The payload with every disclosed claim in place, "_sd", "_sd_alg" and
  // undisclosed array entries gone: what the claims say.
  rapidjson::Document claims;
  std::vector<Disclosure> disclosures;
  std::string kb_jwt;  // "" when none
};

// Verifies an SD-JWT (issuance or presentation serialization) with the
// issuer's key, under kCredentialAlgs. One SdJwtError per reason.
SdJwtResult<VerifiedSdJwt> VerifySdJwt(std::string_view serialized, const common::Jwk& issuer_key,
                                       const SdJwtVerifyOptions& options);

}  // namespace vc::credentials
