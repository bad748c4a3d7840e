// Issuance orchestration: once proofing verified a user, ask a Request Service
// (Entra's or the embedded one, through credentials::RequestServiceClient) to
// issue the org's contract with claims from the identity record, follow the
// Request Service's callbacks, and tell the page how far the wallet got.
// Knows nothing of HTTP; issuance_routes.cpp adapts it.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "common/base/clock.h"
#include "common/base/result.h"
#include "common/base/task.h"
#include "common/config/config_types.h"
#include "common/store/store.h"
#include "credentials/contract_config.h"
#include "credentials/request_service_client.h"
#include "issuer/identity_records.h"
#include "issuer/issuance_store.h"
#include "issuer/offer_gate.h"
#include "issuer/proofing_error.h"
#include "issuer/sessions.h"

namespace vc::issuer {

// What a session's org (or Auth0 tenant) issues.
struct IssuancePlan {
  credentials::ContractConfig contract;     // type, manifest URL, claim rules
  std::string client_name;                  // registration.clientName (the org's name)
  int pin_length = 0;                       // 0 = no PIN
  int64_t credential_lifetime_seconds = 0;  // > 0: expirationDate = now + this
};

struct IssuanceOptions {
  std::string public_base_url;   // callback URL = this + /api/issuer/callback
  std::string authority;         // the issuer DID (requestService.authority)
  std::string callback_api_key;  // sent in callback.headers["api-key"], checked on receipt
};

// The claims a verified identity record offers to a contract, by inputClaim
// name: realName, idCardType, idCardNumber, provider, verifiedAt (ISO 8601),
// the provider's extracted string claims and Entra's IDV claim names
// (idv_claims.h: documentId, documentType, dateOfBirth, …).
std::map<std::string, std::string> AvailableClaims(const IdentityRecord& record);

// The contract's inputs taken from `available`: only claims a rule names (so the
// raw ID number leaves only when the contract maps it). kMissingClaim naming
// the first required input that is absent.
ProofingResult<std::map<std::string, std::string>> ContractClaims(
    const credentials::ContractConfig& contract,
    const std::map<std::string, std::string>& available);

// Whose credential a request is: the identity record (owner, name) and the
// browser session that shows the code ("" for an account offer made through the API).
struct IssuanceSubject {
  std::string session_id;
  std::string owner;
  std::string name;
};

// What a callback did, for the HTTP answer (2xx unless unauthenticated, unreadable
// or not recorded). kStorageError: the event could not be read or committed; the
// answer is a 5xx so that the Request Service's outbox retries it (a 4xx would
// be final, and the event lost).
enum class CallbackResult { kApplied, kIgnored, kUnauthenticated, kMalformed, kStorageError };

class IssuanceService {
 public:
  // `gate` (may be null: no limit) admits one live offer per record and
  // bounds how many a record gets (offer_gate.h).
  IssuanceService(IssuanceOptions options, credentials::RequestServiceClient& client,
                  IssuanceStore& store, SessionStore& sessions, common::Database& db,
                  const common::Clock& clock, OfferGate* gate = nullptr);

  // Creates an issuance request for `who` and stores it. With no `group`, it
  // first takes the record's offer gate itself (OpenOffer, holder = the new
  // request's id) and holds it until the request expires; with a `group` the
  // caller opened, it only joins it (the caller holds or abandons the group).
  // Fails with kMissingClaim, kOfferInProgress while another offer of the
  // record is live (the holder is the failure's `cause`), kOfferLimitReached
  // when the record had its offers for the window (`cause`: seconds to wait),
  // kRequestServiceUnavailable when the Request Service refuses or cannot be
  // reached (its own code and words go to the log), kStorageUnavailable or kInternal.
  ProofingResult<IssuanceRecord> Start(const IssuanceSubject& who, const IssuancePlan& plan,
                                       const std::map<std::string, std::string>& available,
                                       const std::string& group = "");
  // The same for a session's identity record, shown on the session's page.
  ProofingResult<IssuanceRecord> Start(const Session& session, const IssuancePlan& plan,
                                       const std::map<std::string, std::string>& available,
                                       const std::string& group = "");

  // The record's offer gate (offer_gate.h) for the codes of one press, in any
  // protocol: the group id that holds it, or kOfferInProgress /
  // kOfferLimitReached. `holder` names the group ("" = a new "og_" id).
  ProofingResult<std::string> OpenOffer(const IssuanceSubject& who, std::string holder = "");
  // The group's codes exist and live until `until`; or none was created.
  void HoldOffer(const IssuanceSubject& who, const std::string& group, int64_t until);
  void AbandonOffer(const IssuanceSubject& who, const std::string& group);

  // A Request Service callback (spec §5): `api_key` compared in constant time;
  // requestStatus (or the legacy `code`) and state read; unknown statuses and
  // states ignored; events applied forward-only with an audit entry.
  // Waits for HandleCallbackTask(), running its blocking step on this thread.
  CallbackResult HandleCallback(std::string_view api_key, std::string_view body,
                                const std::string& mscv);
  // HandleCallback() for a coroutine: the lookup runs on a reader thread and
  // the change commits with its batch, no thread waiting for either; only the
  // session read of a row written before the subject column runs on `blocking`.
  common::Task<CallbackResult> HandleCallbackTask(std::string api_key, std::string body,
                                                  std::string mscv, common::Executor blocking);

  IssuanceStore& store() { return store_; }
  int64_t Now() const { return clock_.NowSeconds(); }

  // The JSON the page polls: {id, status, message, expiry[, error]}; status is
  // "expired" for a non-terminal record past its expiry.
  std::string StatusJson(const IssuanceRecord& record) const;

 private:
  // A callback's transaction: applies `event`, releases the offer gate when it
  // ends the request, audits; *changed when it moved the record forward.
  common::Database::Work CallbackWork(const IssuanceEvent& event, const std::string& subject,
                                      const std::string& mscv, bool* changed) const;
  common::Result<std::string> RequestBody(const IssuancePlan& plan,
                                          const std::map<std::string, std::string>& claims,
                                          const std::string& state, const std::string& pin) const;

  IssuanceOptions options_;
  credentials::RequestServiceClient& client_;
  IssuanceStore& store_;
  SessionStore& sessions_;
  common::Database& db_;
  const common::Clock& clock_;
  OfferGate* gate_;
};

// A PIN (or OpenID4VCI tx_code) of `length` decimal digits from the CSPRNG,
// without bias (rejection sampling).
std::string RandomPin(int length);

// A sentence for the user about a status ("expired" included).
std::string IssuanceMessage(std::string_view status);

}  // namespace vc::issuer
