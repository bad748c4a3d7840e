// A credential contract's own configuration (DESIGN.md §3 "contracts"): the
// claim rules, type, validity and display, parsed from the contract's config
// node beside the code that uses them (contract.h, the Request Service,
// issuance). common/config keeps only what other sections refer to: the id
// and the manifest URL (common::ContractConfig).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/config/config.h"

namespace vc::credentials {

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
};

// One contract from its entry's node ("contracts[<i>]"): keys id, type,
// validityIntervalSeconds (60 s .. 10 years), claims [{inputClaim (required),
// outputClaim, required, indexed (at most one)}], display (ParseDisplay) and
// manifestUrl; any other key is an error. Throws common::ConfigError naming
// the JSON path, e.g. "contracts[0].claims[1].indexed: only one claim may be
// indexed".
ContractConfig ParseContract(const common::ContractConfig& entry);

// Every configured contract, parsed, in config order.
std::vector<ContractConfig> ParseContracts(const common::Config& config);

}  // namespace vc::credentials
