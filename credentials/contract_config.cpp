#include "credentials/contract_config.h"

#include "credentials/contract_display.h"

namespace vc::credentials {
namespace {

constexpr int64_t kMaxSeconds = int64_t{10} * 365 * 24 * 3600;

// Claims an SD-JWT VC carries itself (SD-JWT VC §3.2.2, RFC 9901 §4.2): a
// contract may not map a claim onto them.
constexpr std::string_view kSdJwtVcReserved[] = {"iss",     "nbf",           "exp",    "iat", "cnf",
                                                 "vct",     "vct#integrity", "status", "sub", "_sd",
                                                 "_sd_alg", "...",           "jti"};

std::vector<std::string> ParseFormats(const common::ConfigNode& node) {
  std::vector<std::string> formats;
  if (!node.Strings("formats", &formats)) return {std::string(kFormatJwtVcJson)};
  if (formats.empty()) node.FailAt("formats", "must list at least one format");
  for (size_t i = 0; i < formats.size(); ++i) {
    const std::string path = node.Child("formats") + "[" + std::to_string(i) + "]";
    if (formats[i] != kFormatJwtVcJson && formats[i] != kFormatSdJwtVc)
      throw common::ConfigError(path, "must be \"jwt_vc_json\" or \"dc+sd-jwt\"");
    for (size_t j = 0; j < i; ++j) {
      if (formats[j] == formats[i]) throw common::ConfigError(path, "is listed twice");
    }
  }
  return formats;
}

void CheckSdJwtClaimNames(const common::ConfigNode& node, const ContractConfig& contract) {
  const auto items = node.Array("claims");
  for (size_t i = 0; i < contract.claims.size(); ++i) {
    for (std::string_view reserved : kSdJwtVcReserved) {
      if (contract.claims[i].output_claim == reserved)
        items[i].FailAt("outputClaim", "\"" + std::string(reserved) +
                                           "\" is a claim of the SD-JWT VC itself (dc+sd-jwt)");
    }
  }
}

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
  node.AllowOnly({"id", "type", "validityIntervalSeconds", "claims", "display", "manifestUrl",
                  "formats", "vct"});
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
  contract.formats = ParseFormats(node);
  node.NonEmptyString("vct", &contract.vct);
  if (contract.Issues(kFormatSdJwtVc)) CheckSdJwtClaimNames(node, contract);
  return contract;
}

bool ContractConfig::Issues(std::string_view format) const {
  for (const auto& f : formats) {
    if (f == format) return true;
  }
  return false;
}

std::vector<ContractConfig> ParseContracts(const common::Config& config) {
  std::vector<ContractConfig> contracts;
  for (const common::ContractConfig& entry : config.contracts) {
    contracts.push_back(ParseContract(entry));
  }
  return contracts;
}

}  // namespace vc::credentials
