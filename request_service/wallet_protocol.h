// The wallet's issuance leg: the contract manifest, the issue endpoint (the
// holder's proof, the id_token_hint attestation, the PIN) and the wallet's
// completion report.
#pragma once

#include <string>

#include "credentials/did_resolver.h"
#include "request_service/authority.h"

namespace vc::request_service {

class WalletProtocol {
 public:
  // `resolver` verifies the holder's did:jwk proof and our own id_token_hint.
  WalletProtocol(Authority& authority, credentials::DidResolver& resolver)
      : authority_(authority), resolver_(resolver) {}

  // {"token": <signed manifest>}; 404 for an unknown contract.
  ApiResult<WalletResponse> Manifest(const std::string& contract_id);

  // {"vc": <VC-JWT>} for a holder proof addressed to IssueUrl(). 400
  // tokenError when the proof or its attestation does not verify, 409 when
  // the request already has a credential, 400 invalidPin / 403
  // pinAttemptsExceeded for a wrong PIN. The holder's DID is resolved only
  // after the proof's id_token_hint bound it to an open request.
  // The resolutions (our id_token_hint's signer, the holder's DID) run on
  // `blocking`, the load on a reader thread and the PIN count and the
  // credential commit with their batches. Issue() waits for it.
  common::Task<ApiResult<WalletResponse>> IssueTask(std::string proof_jws,
                                                    common::Executor blocking);
  ApiResult<WalletResponse> Issue(const std::string& proof_jws);

  // 202 once the terminal issuance_successful / issuance_error event is queued:
  // the load on a reader thread, the event committed with its batch, no thread
  // waiting for either. CompleteIssuance() waits for it.
  common::Task<ApiResult<WalletResponse>> CompleteIssuanceTask(std::string body);
  ApiResult<WalletResponse> CompleteIssuance(const std::string& body);

 private:
  // The coroutines below take references into the awaiting frame, which
  // outlives them.
  common::Task<ApiResult<StoredRequest>> BoundRequestTask(const rapidjson::Value& proof,
                                                          common::Executor blocking);
  static common::Database::Work PinFailureWork(const std::string& id, int* failures);
  common::Task<ApiResult<Done>> CheckPinTask(const StoredRequest& r, const IssuanceSpec& spec,
                                             std::string pin_hash);
  common::Task<ApiResult<std::string>> IssueVcTask(const StoredRequest& r, const IssuanceSpec& spec,
                                                   std::string holder);

  Authority& authority_;
  credentials::DidResolver& resolver_;
};

}  // namespace vc::request_service
