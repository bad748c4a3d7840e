// The embedded Request Service, without HTTP: what each endpoint decides.
// routes.h adapts it to the server. Endpoints (relative to publicBaseUrl):
//   POST /v1.0/verifiableCredentials/createIssuanceRequest | createPresentationRequest
//   GET  /v1.0/tenants/{tid}/verifiableCredentials/issuanceRequests/{id}    (request object)
//   GET  /v1.0/{tid}/verifiableCredentials/presentationRequests/{id}        (request object)
//   GET  /v1.0/tenants/{tid}/verifiableCredentials/contracts/{cid}/manifest
//   POST /v1.0/tenants/{tid}/verifiableCredentials/issue                    (wallet proof ->
//   {"vc"}) POST /v1.0/verifiableCredentials/completeIssuance                       (202) POST
//   /v1.0/verifiableCredentials/verifyPresentation                     (form) GET
//   /v1.0/tenants/{tid}/verifiableCredentials/status/{listId}          (status list VC-JWT) GET
//   /.well-known/did.json, /.well-known/did-configuration.json
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/base/clock.h"
#include "common/config/config_types.h"
#include "common/store/store.h"
#include "credentials/contract.h"
#include "credentials/did_resolver.h"
#include "credentials/presentation.h"
#include "credentials/status_list.h"
#include "keys/key_store.h"
#include "request_service/api_error.h"
#include "request_service/outbox.h"
#include "request_service/request_parse.h"
#include "request_service/request_store.h"

namespace vc::request_service {

struct RequestServiceOptions {
  std::string public_base_url;  // no trailing slash
  std::string tenant_id = "local";
  std::string authority;  // did:web of public_base_url by default
  int64_t request_lifetime_seconds = 300;
  int pin_max_attempts = 3;
  common::JwsAlg alg = common::JwsAlg::kES256;
  std::string key_purpose = "request-service";
  int64_t status_list_size = credentials::StatusList::kMinEntries;
};

struct CreatedRequest {
  std::string request_id;
  std::string url;  // openid-vc://?request_uri=…
  int64_t expiry = 0;
  std::string qr_code;  // data URI, when asked
};

struct WalletResponse {  // what a wallet endpoint answers on success
  int status = 200;
  std::string content_type;
  std::string body;
};

class RequestService {
 public:
  // Applies migrations and creates the signing key if needed; throws
  // std::runtime_error when either fails (startup).
  RequestService(RequestServiceOptions options, common::Database& db, keys::KeyStore& keys,
                 std::vector<credentials::ContractConfig> contracts,
                 credentials::DidResolver& resolver, credentials::StatusChecker& remote_status,
                 credentials::LinkedDomainChecker& domains, const common::Clock& clock);
  ~RequestService();

  ApiResult<CreatedRequest> CreateIssuance(const std::string& body);
  ApiResult<CreatedRequest> CreatePresentation(const std::string& body);

  // The signed request object (application/jwt); `kind` "issuance"/"presentation".
  // 404 unknown, 410 expired (no callback), request_retrieved queued once.
  ApiResult<WalletResponse> RequestObject(const std::string& kind, const std::string& id);
  ApiResult<WalletResponse> Manifest(const std::string& contract_id);
  ApiResult<WalletResponse> Issue(const std::string& proof_jws);
  ApiResult<WalletResponse> CompleteIssuance(const std::string& body);
  ApiResult<WalletResponse> VerifyPresentation(const common::QueryParams& form);

  std::string DidDocument();
  std::string DidConfiguration();
  ApiResult<WalletResponse> StatusList(const std::string& list_id);
  // Revokes by credential id (jti) or by the indexed claim value of a contract.
  // Returns the number of credentials matched; 404 when none.
  ApiResult<int64_t> RevokeById(const std::string& jti);
  ApiResult<int64_t> RevokeByIndexedClaim(const std::string& contract_id, const std::string& value);

  const RequestServiceOptions& options() const { return options_; }
  std::string ManifestUrl(const std::string& contract_id) const;
  std::string IssueUrl() const;

  // Called after an event was queued (the server wakes its OutboxWorker).
  void SetOutboxNotifier(std::function<void()> notify) { notify_ = std::move(notify); }

 private:
  class LocalStatus;
  class LocalDomains;
  credentials::Signer CurrentSigner();
  const credentials::Contract* ContractForManifest(const std::string& url) const;
  ApiResult<CreatedRequest> Store(StoredRequest r, bool qr, const std::string& path);
  ApiResult<StoredRequest> Load(const char* column, const std::string& value,
                                const std::string& kind);
  std::string IssuanceRequestObject(const StoredRequest& r, const IssuanceSpec& spec);
  std::string PresentationRequestObject(const StoredRequest& r, const PresentationSpec& spec);
  ApiResult<Done> Finish(const StoredRequest& r, const CallbackSpec& cb, const std::string& status,
                         const std::string& event_body);
  ApiResult<std::string> IssueVc(const StoredRequest& r, const IssuanceSpec& spec,
                                 const std::string& holder);
  ApiResult<Done> CheckPin(const StoredRequest& r, const IssuanceSpec& spec,
                           const std::string& pin_hash);
  std::string StatusListUrl(const std::string& list_id) const;
  void Notify() const {
    if (notify_) notify_();
  }

  RequestServiceOptions options_;
  common::Database& db_;
  keys::KeyStore& keys_;
  std::map<std::string, credentials::Contract> contracts_;
  credentials::DidResolver& resolver_;
  std::unique_ptr<LocalStatus> status_;
  credentials::StatusChecker* status_checker_ = nullptr;  // status_, as its interface
  std::unique_ptr<LocalDomains> local_domains_;
  credentials::LinkedDomainChecker* domain_checker_ = nullptr;
  credentials::LinkedDomainChecker& domains_;
  const common::Clock& clock_;
  std::function<void()> notify_;
};

}  // namespace vc::request_service
