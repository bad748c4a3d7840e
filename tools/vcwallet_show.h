// How vcwallet describes a credential to a person: its format, type, issuer,
// claims and expiry, read from a VC-JWT's payload or an SD-JWT VC's issuer JWT
// and disclosures (not verified again here: the wallet verified it when it
// accepted it).
#pragma once

#include <cstdint>
#include <string>

namespace vc::tools {

// Several lines, each starting with `indent`; one line saying the token is
// unreadable when it is neither a VC-JWT nor an SD-JWT VC. `now` (unix
// seconds) marks expired ones.
std::string DescribeCredential(const std::string& vc_jwt, int64_t now,
                               const std::string& indent = "  ");

// The credential's most specific type ("VerifiedIdentity"; an SD-JWT VC's
// vct), or "credential".
std::string CredentialType(const std::string& vc_jwt);

}  // namespace vc::tools
