// The parts of a createPresentationRequest body (spec §3.1) that say what a
// verifier asks for: requestedCredentials (type, purpose, acceptedIssuers,
// constraints, configuration.validation incl. faceCheck), registration and
// includeReceipt. Shared by the embedded Request Service (which parses request
// bodies) and the verifier (which parses its configured and inline policies),
// so both apply one set of rules. Every refusal names the JSON path at fault.
#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "common/base/json.h"
#include "credentials/presentation.h"

namespace vc::credentials {

// A refusal: `path` is the JSON path at fault, prefixed as the caller asked
// (e.g. "requestedCredentials[0].constraints[1]" or
// "verifier.policies[0].requestedCredentials[0].constraints[1]").
struct FieldError {
  std::string path;
  std::string message;
};

// How much free text a caller may put in a request (docs/security.md): every
// field below is stored with the request, so each is bounded, and a 400 names
// the field that is over.
inline constexpr size_t kMaxClientNameBytes = 256;
inline constexpr size_t kMaxPurposeBytes =
    1024;  // registration.purpose, requestedCredentials[].purpose
inline constexpr size_t kMaxTypeBytes = 256;    // a credential type, a claim name
inline constexpr size_t kMaxDidBytes = 2048;    // an accepted issuer, an authority
inline constexpr size_t kMaxValueBytes = 1024;  // a constraint value, contains, startsWith
inline constexpr size_t kMaxListItems = 32;     // requestedCredentials, acceptedIssuers, …

struct Registration {
  std::string client_name;  // required, non-empty
  std::string purpose;      // optional
};

// Parses `obj["requestedCredentials"]` (a non-empty array) into `out`.
// `prefix` is prepended to every path ("" or "verifier.policies[0].").
// Rules: type non-empty; purpose a string; acceptedIssuers DIDs; each constraint
// has a claimName and exactly one of values (non-empty strings) / contains /
// startsWith; allowRevoked and validateLinkedDomain booleans; faceCheck needs
// sourcePhotoClaimName, a matchConfidenceThreshold from 50 to 100 when given,
// and `include_receipt` false (the error then names prefix + "includeReceipt");
// every text and list within the kMax* limits above.
std::optional<FieldError> ParseRequestedCredentials(const rapidjson::Value& obj,
                                                    const std::string& prefix, bool include_receipt,
                                                    std::vector<RequestedCredential>& out);

// One requestedCredentials entry at `path` (e.g. "requestedCredentials[2]"),
// by the rules above: for a caller that reads the array itself (the verifier,
// whose policies may mix in other credential forms).
std::optional<FieldError> ParseRequestedCredential(const rapidjson::Value& rc,
                                                   const std::string& path,
                                                   const std::string& prefix, bool include_receipt,
                                                   RequestedCredential& out);

// Parses `obj["registration"]` {clientName, purpose?}.
std::optional<FieldError> ParseRegistration(const rapidjson::Value& obj, const std::string& prefix,
                                            Registration& out);

// A constraint as the JSON Schema `filter.pattern` of a presentation
// definition: an ECMA-262 regular expression (valid with and without the `u`
// flag) matching what ConstraintHolds accepts. Case-insensitivity is spelt
// out per ASCII letter ("[aA]"), since ECMA-262 has no inline "(?i)"; every
// other syntax character is escaped. values -> ^(v1|v2)$, contains -> c,
// startsWith -> ^s.
std::string ConstraintPattern(const Constraint& c);

// Writes the requestedCredentials array as createPresentationRequest expects it
// (the inverse of ParseRequestedCredentials) into an open JsonWriter value position.
void WriteRequestedCredentials(common::JsonWriter& w,
                               const std::vector<RequestedCredential>& requested);
// One entry of that array (an object).
void WriteRequestedCredential(common::JsonWriter& w, const RequestedCredential& rc);

}  // namespace vc::credentials
