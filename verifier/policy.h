// Presentation policies: what a verifier asks a wallet to prove (DESIGN.md §3
// "verifier.policies", spec §3.1). A policy is requestedCredentials,
// registration {clientName, purpose} and includeReceipt. A requested credential
// has one of two forms: the Entra form (format jwt_vc_json, the default: type,
// purpose, accepted issuer DIDs, constraints, allowRevoked, validateLinkedDomain,
// FaceCheck; the Request Service's own rules, credentials/presentation_request.h),
// asked for through the Request Service; or the SD-JWT VC form (format
// dc+sd-jwt, verifier/sd_jwt_policy.h), asked for over OpenID4VP. One policy may
// hold both, so an application asks with either protocol and accepts whichever
// wallet the user has. The same rules apply to policies from the config (checked
// at startup) and inline ones sent to the API.
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <vector>

#include "common/base/json.h"
#include "common/config/config_types.h"
#include "credentials/presentation.h"
#include "credentials/presentation_request.h"
#include "verifier/sd_jwt_policy.h"

namespace vc::verifier {

inline constexpr const char* kDefaultClientName = "vcserver verifier";

struct Policy {
  std::string id;                                           // "" for an inline policy
  std::vector<credentials::RequestedCredential> requested;  // the Entra form
  std::vector<SdJwtRequest> sd_jwt;                         // the dc+sd-jwt form
  credentials::Registration registration{kDefaultClientName, ""};
  bool include_receipt = false;
};

// Parses one policy object. `prefix` is prepended to error paths (e.g.
// "verifier.policies[0]." or "policy."). Keys other than id, requestedCredentials,
// registration and includeReceipt are refused (a typo must not silently widen
// what is accepted). `require_id`: config policies need a safe id. Each
// requestedCredentials entry is read by its `format` (absent = jwt_vc_json);
// another format is refused, and so are two dc+sd-jwt entries with one id.
std::optional<credentials::FieldError> ParsePolicy(const rapidjson::Value& obj,
                                                   const std::string& prefix, bool require_id,
                                                   Policy& out);

// Every configured policy, parsed from its config node (common::VerifierPolicy).
// Throws common::ConfigError naming the JSON path at fault, e.g.
// "verifier.policies[0].requestedCredentials[0].constraints[1]". In production a
// requested credential without acceptedIssuers is refused too: it would accept
// a credential of that type from any issuer at all.
std::vector<Policy> LoadPolicies(const common::VerifierConfig& config, bool production = false);

// The JSON paths ("requestedCredentials[0]", prefixed with `prefix`) of the
// requested credentials that name no accepted issuer: any issuer's credential
// of that type passes them. For the production refusal and the warning elsewhere.
std::vector<std::string> OpenIssuerPaths(const Policy& policy, const std::string& prefix);

// Writes the policy as a JSON object (the inverse of ParsePolicy), so a stored
// request keeps exactly what was asked even if the config changes later.
std::string PolicyJson(const Policy& policy);

}  // namespace vc::verifier
