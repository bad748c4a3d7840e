#include "credentials/contract_config.h"

#include "credentials/contract_display.h"

namespace vc::credentials {
namespace {

constexpr int64_t kMaxSeconds = int64_t{10} * 365 * 24 * 3600;

ContractClaim ParseClaim(const common::ConfigNode& node) {
  node.AllowOnly({"inputClaim", "outputClaim", "required", "indexed"});
  ContractClaim claim;
  if (!node.NonEmptyString("inputClaim", &claim.input_claim)) {
    node.FailAt("inputClaim", "is required");
  }
  if (!node.NonEmptyString("outputClaim", &claim.output_claim)) {
    claim.output_claim = claim.input_claim;
  }
  node.Bool("required", &claim.required);
  node.Bool("indexed", &claim.indexed);
  return claim;
}

}  // namespace

ContractConfig ParseContract(const common::ContractConfig& entry) {
  const common::ConfigNode& node = entry.node;
  node.AllowOnly({"id", "type", "validityIntervalSeconds", "claims", "display", "manifestUrl"});
  ContractConfig contract;
  contract.id = entry.id;
  contract.manifest_url = entry.manifest_url;
  if (!node.NonEmptyString("type", &contract.type)) contract.type = contract.id;
  node.Int("validityIntervalSeconds", 60, kMaxSeconds, &contract.validity_interval_seconds);
  bool indexed = false;
  for (const common::ConfigNode& item : node.Array("claims")) {
    ContractClaim claim = ParseClaim(item);
    if (claim.indexed && indexed) item.FailAt("indexed", "only one claim may be indexed");
    indexed = indexed || claim.indexed;
    contract.claims.push_back(std::move(claim));
  }
  if (std::optional<common::ConfigNode> display = node.Object("display")) {
    contract.display = ParseDisplay(*display);
  }
  return contract;
}

std::vector<ContractConfig> ParseContracts(const common::Config& config) {
  std::vector<ContractConfig> contracts;
  for (const common::ContractConfig& entry : config.contracts) {
    contracts.push_back(ParseContract(entry));
  }
  return contracts;
}

}  // namespace vc::credentials
