// A credential contract's own configuration (DESIGN.md §3 "contracts"): the
// claim rules, type, validity and display, parsed from the contract's config
// node beside the code that uses them (contract.h, the Request Service,
// issuance). common/config keeps only what other sections refer to: the id
// and the manifest URL (common::ContractConfig).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/config/config.h"

namespace vc::credentials {

inline constexpr std::string_view kFormatJwtVcJson = "jwt_vc_json";
inline constexpr std::string_view kFormatSdJwtVc = "dc+sd-jwt";

struct ContractClaim {
  std::string input_claim;
  std::string output_claim;  // defaults to input_claim
  bool required = false;
  bool indexed = false;  // at most one per contract
};

struct ContractConfig {
  std::string id;
  std::string type;  // defaults to id
  int64_t validity_interval_seconds = 2592000;
  std::vector<ContractClaim> claims;
  std::string display = "{}";  // JSON object text: ParseDisplay's (contract_display.h)
  // The manifest URL sent in createIssuanceRequest (common::ContractConfig).
  std::string manifest_url;
  // Credential formats offered after proofing: "jwt_vc_json" (the Entra path,
  // a Request Service issuance) and/or "dc+sd-jwt" (an SD-JWT VC over
  // OpenID4VCI, docs/openid4vci.md).
  std::vector<std::string> formats = {std::string(kFormatJwtVcJson)};
  // dc+sd-jwt: the SD-JWT VC type; "" = {publicBaseUrl}/oid4vci/types/{id}.
  std::string vct;

  bool Issues(std::string_view format) const;
};

// One contract from its entry's node ("contracts[<i>]"): keys id, type,
// validityIntervalSeconds (60 s .. 10 years), claims [{inputClaim (required),
// outputClaim, required, indexed (at most one)}], display (ParseDisplay),
// manifestUrl, formats (non-empty, each "jwt_vc_json" or "dc+sd-jwt", once)
// and vct (a non-empty string); any other key is an error. With dc+sd-jwt, an
// outputClaim may not be a claim the SD-JWT VC itself uses (iss, vct, cnf…).
// Throws common::ConfigError naming the JSON path, e.g.
// "contracts[0].claims[1].indexed: only one claim may be indexed".
ContractConfig ParseContract(const common::ContractConfig& entry);

// Every configured contract, parsed, in config order.
std::vector<ContractConfig> ParseContracts(const common::Config& config);

}  // namespace vc::credentials
