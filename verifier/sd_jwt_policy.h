// The SD-JWT VC form of a requested credential (OpenID4VP), beside the
// Entra form (credentials/presentation_request.h) in a policy's
// requestedCredentials:
//
//   { "format": "dc+sd-jwt", "id": "identity",
//     "vct": ["https://idv.example/oid4vci/types/VerifiedIdentity"],
//     "claims": ["realName", "documentType"],
//     "acceptedIssuers": ["https://idv.example", "did:web:issuer.example"] }
//
// It becomes one DCQL credential query; what comes back must be an SD-JWT VC
// with one of the vct values, from one of the issuers, with every claim
// disclosed.
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <vector>

#include "common/base/json.h"
#include "credentials/dcql.h"
#include "credentials/presentation_request.h"

namespace vc::verifier {

struct SdJwtRequest {
  std::string id;                             // the DCQL query id; "cred<index>" by default
  std::vector<std::string> vct;               // accepted vct values, non-empty
  std::vector<std::string> claims;            // top-level claims that must be disclosed
  std::vector<std::string> accepted_issuers;  // http(s) issuer identifiers or DIDs, non-empty
};

// Whether `issuer` may be an accepted SD-JWT VC issuer: a DID, or an https URL
// without query or fragment (its keys come from /.well-known/jwt-vc-issuer);
// http only on a loopback host (127.0.0.1, [::1], localhost: development).
bool IsAcceptableSdJwtIssuer(const std::string& issuer);

// Parses requestedCredentials[`index`] (at `path`) whose format is dc+sd-jwt.
// Refused, naming the path: keys other than format, id, vct, claims and
// acceptedIssuers (a typo must not widen what is accepted); an id that is not
// A-Z a-z 0-9 _ -; vct not a non-empty array of non-empty strings; claims not
// an array of distinct claim names, or naming a claim the SD-JWT VC itself uses
// (iss, iat, nbf, exp, cnf, vct, vct#integrity, status, _sd, _sd_alg);
// acceptedIssuers empty or with anything IsAcceptableSdJwtIssuer refuses.
std::optional<credentials::FieldError> ParseSdJwtRequest(const rapidjson::Value& rc,
                                                         const std::string& path, size_t index,
                                                         SdJwtRequest& out);

// The inverse of ParseSdJwtRequest (id always written).
void WriteSdJwtRequest(common::JsonWriter& w, const SdJwtRequest& r);

// The DCQL credential queries asking for `requests`.
std::vector<credentials::DcqlCredentialQuery> DcqlQueries(
    const std::vector<SdJwtRequest>& requests);

}  // namespace vc::verifier
