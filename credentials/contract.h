// Credential contracts (rules + display, contract_config.h), and the signed
// manifest the wallet fetches (spec §7.5).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/base/result.h"
#include "credentials/contract_config.h"
#include "credentials/vc_jwt.h"

namespace vc::credentials {

class Contract {
 public:
  explicit Contract(ContractConfig config) : config_(std::move(config)) {}

  const std::string& id() const { return config_.id; }
  const std::string& type() const { return config_.type; }
  int64_t validity_seconds() const { return config_.validity_interval_seconds; }
  const std::vector<ContractClaim>& rules() const { return config_.claims; }

  // Maps createIssuanceRequest claims (inputClaim names) to credentialSubject
  // (outputClaim names). Error "missing_claim" naming the first required input
  // claim that is absent; inputs no rule names are dropped.
  common::Result<Claims> MapClaims(const std::map<std::string, std::string>& input) const;

  // The value of the indexed claim in `subject`, empty when none is indexed.
  std::string IndexedValue(const Claims& subject) const;

  // The manifest payload (spec §7.5): id, iss, display (card, consent, claims
  // labels from config), input{credentialIssuer, issuer, attestations.idTokens
  // [{configuration "https://self-issued.me", claims}]}.
  std::string ManifestPayload(const std::string& issuer_did, const std::string& manifest_url,
                              const std::string& credential_issuer_url) const;

 private:
  ContractConfig config_;
};

// The revocation index hash Entra's admin API searches by:
// Base64(SHA256(contractId + claimValue)).
std::string IndexClaimHash(const std::string& contract_id, const std::string& value);

}  // namespace vc::credentials
