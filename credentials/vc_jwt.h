// VC-JWTs as Entra issues them (spec §8.1): header {alg, kid: "<did>#<keyid>",
// typ: "JWT"}, payload {vc{@context, type, credentialSubject, credentialStatus},
// jti, iss, sub, iat, nbf, exp}; and verification of any DID-signed JWT (VCs,
// VPs, id_tokens) by resolving the DID named in kid.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/base/result.h"
#include "common/jose/jwk.h"
#include "common/jose/jws.h"
#include "credentials/did_resolver.h"

namespace vc::credentials {

using Claims = std::vector<std::pair<std::string, std::string>>;

// Algorithms accepted for credentials and presentations (DESIGN §5).
inline constexpr std::initializer_list<common::JwsAlg> kCredentialAlgs = {
    common::JwsAlg::kES256, common::JwsAlg::kES256K, common::JwsAlg::kEdDSA,
    common::JwsAlg::kRS256};

// A credentialStatus entry (BitstringStatusListEntry, statusPurpose revocation).
struct StatusEntry {
  std::string list_url;  // the status list credential
  int64_t index = 0;
};

// A signing key and the verification method it is published under.
struct Signer {
  common::Jwk key;
  common::JwsAlg alg = common::JwsAlg::kES256;
  std::string kid;  // "did:web:…#<keyid>"
};

struct VcToIssue {
  std::string issuer;              // DID
  std::string subject;             // holder DID
  std::vector<std::string> types;  // "VerifiableCredential" is added first if missing
  Claims claims;                   // credentialSubject, values as strings
  int64_t iat = 0;
  int64_t exp = 0;
  std::string jti;  // "urn:pic:…"
  std::optional<StatusEntry> status;
};

// Signs a VC-JWT. Error "key_mismatch" if the signer cannot sign with its alg.
common::Result<std::string> IssueVcJwt(const VcToIssue& vc, const Signer& signer);

// A JWT whose signature verified with the key its kid names.
struct VerifiedJwt {
  common::JwsToken token;
  rapidjson::Document payload;
  std::string signer_did;  // the DID part of kid
};

// Parses `jwt` (up to 64 KiB: VPs embed VCs), requires a kid "did…#frag" whose
// DID equals the payload's `did_claim` ("iss", or "sub" for SIOP id_tokens),
// resolves the key and verifies the signature under kCredentialAlgs. Errors are
// VerifyError codes. The same as ParseDidSignedJwt then VerifyParsedJwt.
common::Result<VerifiedJwt> VerifyDidSignedJwt(std::string_view jwt, DidResolver& resolver,
                                               const char* did_claim = "iss");

// A DID-signed JWT parsed but NOT verified: nothing in it can be trusted yet.
struct ParsedJwt {
  common::JwsToken token;
  rapidjson::Document payload;
  std::string claimed_did;  // the did_claim's value, which the kid names
};
// The first half of VerifyDidSignedJwt, which touches no DID: a caller checks
// what it can of the unverified payload (audience, nonce, the signer it
// expects, a request it must name) and resolves the DID only when that holds.
common::Result<ParsedJwt> ParseDidSignedJwt(std::string_view jwt, const char* did_claim = "iss");
// The second half: resolves the kid's key and verifies the signature.
common::Result<VerifiedJwt> VerifyParsedJwt(ParsedJwt parsed, DidResolver& resolver);

struct VerifiedVc {
  std::string jwt;
  std::string issuer;
  std::string subject;
  std::string jti;
  std::vector<std::string> types;
  Claims claims;  // non-string values are given as their JSON text
  int64_t iat = 0;
  std::optional<int64_t> exp;  // absent: the VC does not expire
  std::optional<StatusEntry> status;
};

// Verifies signature, shape (vc.type, vc.credentialSubject, iss, sub) and time
// (exp optional as in VCDM 1.1, but not passed; nbf/iat not in the future;
// `skew` seconds allowed).
common::Result<VerifiedVc> VerifyVcJwt(std::string_view jwt, DidResolver& resolver, int64_t now,
                                       int64_t skew = 60);

// ISO 8601 UTC "YYYY-MM-DDTHH:MM:SSZ" for unix seconds, and back (fractions and
// "Z" accepted; other offsets refused: nullopt).
std::string IsoTime(int64_t seconds);
std::optional<int64_t> ParseIsoTime(std::string_view text);

}  // namespace vc::credentials
