// The OpenID4VCI 1.0 credential issuer and its authorization server, for the
// pre-authorized code flow that follows a proofing: an offer (by reference,
// with a tx_code) for a verified identity record, the token endpoint, the
// nonce endpoint, the credential endpoint issuing SD-JWT VCs (dc+sd-jwt)
// signed with the authority key, and the Token Status List each credential
// points to. Knows nothing of HTTP (oid4vci_routes.cpp adapts it); the state
// lives in Oid4vciStore. docs/openid4vci.md describes the flow.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/clock.h"
#include "common/http/url.h"
#include "credentials/contract_config.h"
#include "issuer/issuance.h"
#include "issuer/oid4vci_error.h"
#include "issuer/oid4vci_proof.h"
#include "issuer/oid4vci_store.h"
#include "keys/key_store.h"

namespace vc::issuer {

struct Oid4vciOptions {
  std::string credential_issuer;  // publicBaseUrl, no trailing slash
  int64_t offer_lifetime_seconds = 600;
  int64_t token_lifetime_seconds = 300;
  int64_t nonce_lifetime_seconds = 300;
  int max_tx_code_attempts = 5;
  int tx_code_length = 6;  // 0 = offers without a tx_code
  int64_t status_list_size = 131072;
  int64_t status_list_token_lifetime_seconds = 24 * 3600;
  int64_t status_list_ttl_seconds = 300;
  std::string key_purpose = keys::kAuthorityKeyPurpose;
  common::JwsAlg alg = common::JwsAlg::kES256;  // of the authority key, when it is created
  // Runs in the transaction that issues an offer's credential, with the
  // offer's subject ("owner/name"): vcserver releases the record's offer gate
  // there (offer_gate.h). An error undoes the issue.
  std::function<common::Status(common::Connection&, const std::string& subject)> on_issued;
};

// The link a wallet scans: openid-credential-offer://?credential_offer_uri=…
inline constexpr const char* kOfferScheme = "openid-credential-offer://";

class Oid4vciService {
 public:
  // Creates the authority key when missing; throws std::runtime_error when it
  // cannot (startup). `contracts`: those listing dc+sd-jwt are offered.
  Oid4vciService(Oid4vciOptions options, std::vector<credentials::ContractConfig> contracts,
                 Oid4vciStore& store, keys::KeyStore& keys, const common::Clock& clock);

  const Oid4vciOptions& options() const { return options_; }
  Oid4vciStore& store() { return store_; }
  int64_t Now() const { return clock_.NowSeconds(); }

  std::string IssuerMetadata() const;
  std::string AuthorizationServerMetadata() const;
  std::string JwtVcIssuerMetadata() const;
  Oid4vciResult<std::string> TypeMetadata(const std::string& contract_id) const;

  // An offer of `contract` (which must list dc+sd-jwt: else
  // kIssuanceNotConfigured) carrying the contract's claims taken from
  // `available`: kMissingClaim when a required one is absent; kInternal when
  // it cannot be stored.
  ProofingResult<Offer> CreateOffer(const IssuanceSubject& who,
                                    const credentials::ContractConfig& contract,
                                    const std::map<std::string, std::string>& available);
  // openid-credential-offer://?credential_offer_uri=<issuer>/oid4vci/offers/<id>
  std::string OfferUrl(const Offer& offer) const;
  // The credential offer object (§4.1.1) for its credential_offer_uri, as often
  // as asked until it expires; kOfferNotFound when unknown, expired or failed.
  Oid4vciResult<std::string> CredentialOffer(const std::string& offer_id) const;

  // POST token (form): the pre-authorized code grant. The code is single-use;
  // a wrong tx_code is counted and does not consume it; the offer dies at
  // max_tx_code_attempts wrong codes. {access_token, token_type, expires_in}.
  Oid4vciResult<std::string> Token(const common::QueryParams& form, const std::string& mscv);
  // POST nonce: {"c_nonce", "c_nonce_expires_in"}; each nonce is single-use.
  Oid4vciResult<std::string> Nonce();
  // POST credential (JSON) with `authorization` "Bearer <token>":
  // {"credentials":[{"credential": <SD-JWT VC>}]}.
  Oid4vciResult<std::string> Credential(std::string_view authorization, std::string_view body,
                                        const std::string& mscv);

  // The Status List Token (statuslist+jwt) of a list; kNotFound.
  Oid4vciResult<std::string> StatusListToken(const std::string& list_id) const;
  std::string StatusListUri(const std::string& list_id) const;

  // {id, status, message, expiry, format}: status is OfferStatusName or "expired".
  std::string StatusJson(const Offer& offer) const;

 private:
  const credentials::ContractConfig* Find(const std::string& contract_id) const;
  keys::StoredKey SigningKey() const;
  // The offer an access token (by SHA-256) may still fetch its credential for.
  Oid4vciResult<Offer> Authorize(const std::string& token_hash) const;
  Oid4vciResult<std::string> Issue(const std::string& token_hash, const Offer& offer,
                                   const VerifiedProof& proof, const std::string& mscv);
  common::Result<std::string> Mint(common::Connection& c, const Offer& offer,
                                   const StatusSlot& slot, const common::Jwk& holder,
                                   const std::string& credential_id, const std::string& mscv);

  Oid4vciOptions options_;
  std::vector<credentials::ContractConfig> contracts_;
  Oid4vciStore& store_;
  keys::KeyStore& keys_;
  const common::Clock& clock_;
};

// What the page and the account API say about an offer status.
std::string OfferMessage(std::string_view status);

}  // namespace vc::issuer
