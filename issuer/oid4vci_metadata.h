// What the OpenID4VCI issuer publishes about itself (JSON, written once per
// request from the configuration and the key store):
//   GET /.well-known/openid-credential-issuer   OpenID4VCI 1.0 §12.2 (final shape:
//       credential_metadata {display, claims} per configuration)
//   GET /.well-known/oauth-authorization-server RFC 8414 (pre-authorized code only)
//   GET /.well-known/jwt-vc-issuer              SD-JWT VC §5: {issuer, jwks}
//   GET /oid4vci/types/{contractId}             SD-JWT VC type metadata for a default vct
// One credential configuration per contract that lists "dc+sd-jwt", named by
// the contract id.
#pragma once

#include <string>
#include <vector>

#include "common/jose/jwk.h"
#include "credentials/contract_config.h"

namespace vc::issuer {

// Endpoint paths, relative to the credential issuer identifier (publicBaseUrl).
inline constexpr const char* kOid4vciTokenPath = "/oid4vci/token";
inline constexpr const char* kOid4vciNoncePath = "/oid4vci/nonce";
inline constexpr const char* kOid4vciCredentialPath = "/oid4vci/credential";
inline constexpr const char* kOid4vciOffersPath = "/oid4vci/offers/";
inline constexpr const char* kOid4vciStatusListsPath = "/oid4vci/status-lists/";
inline constexpr const char* kOid4vciTypesPath = "/oid4vci/types/";
inline constexpr const char* kPreAuthorizedGrant =
    "urn:ietf:params:oauth:grant-type:pre-authorized_code";

// The vct of a contract: contracts[].vct, else {issuer}/oid4vci/types/{id}.
std::string VctFor(const credentials::ContractConfig& contract, const std::string& issuer);

std::string CredentialIssuerMetadata(const std::string& issuer,
                                     const std::vector<credentials::ContractConfig>& contracts,
                                     common::JwsAlg signing_alg);
std::string AuthorizationServerMetadata(const std::string& issuer);
// {"issuer": issuer, "jwks": jwks} (jwks_json is a JWK Set's JSON text).
std::string JwtVcIssuerMetadata(const std::string& issuer, const std::string& jwks_json);
// SD-JWT VC type metadata (§6.2): vct, name, description, display, claims.
std::string TypeMetadata(const credentials::ContractConfig& contract, const std::string& issuer);

}  // namespace vc::issuer
