// What the parts of the embedded Request Service share: its options, database,
// signing key, contracts and clock, the URLs it publishes, and the lifecycle of
// a stored request (load it, record its one terminal event, wake the outbox).
// Requests, WalletProtocol, Publishing and Verification each hold a reference
// to one Authority; RequestService (service.h) builds them together.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/base/clock.h"
#include "common/base/task.h"
#include "common/config/config_types.h"
#include "common/http/outbound_policy.h"
#include "common/store/store.h"
#include "credentials/contract.h"
#include "credentials/contract_config.h"
#include "credentials/status_list.h"
#include "credentials/vc_jwt.h"
#include "keys/key_store.h"
#include "request_service/api_error.h"
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
  std::string key_purpose = keys::kAuthorityKeyPurpose;
  int64_t status_list_size = credentials::StatusList::kMinEntries;
  // When set, a callback URL this policy refuses (an http URL in production, a
  // literal loopback or private address outside outbound.allow) is refused
  // when the request is created, rather than never delivered. URLs under
  // public_base_url are ours and always allowed.
  std::optional<common::OutboundPolicy> callback_policy;
};

struct WalletResponse {  // what a wallet endpoint answers on success
  int status = 200;
  std::string content_type;
  std::string body;
};

// 500 internalError "The request could not be stored: <code>": a storage
// failure while creating, loading or finishing a request.
ApiFailure StorageFailure(const common::Error& e);

class Authority {
 public:
  // Applies migrations and creates the signing key if needed; throws
  // std::runtime_error when either fails (startup).
  Authority(RequestServiceOptions options, common::Database& db, keys::KeyStore& keys,
            std::vector<credentials::ContractConfig> contracts, const common::Clock& clock);
  Authority(const Authority&) = delete;
  Authority& operator=(const Authority&) = delete;

  const RequestServiceOptions& options() const { return options_; }
  common::Database& db() const { return db_; }
  keys::KeyStore& keys() const { return keys_; }
  const common::Clock& clock() const { return clock_; }

  // The active signing key, with kid `{authority}#{key id}`. Throws
  // std::runtime_error when the key store has none (the constructor made one).
  credentials::Signer CurrentSigner() const;

  // The contract with `id`, or the one whose manifest URL is `url` (query
  // ignored); nullptr when there is none.
  const credentials::Contract* FindContract(const std::string& id) const;
  const credentials::Contract* ContractForManifest(const std::string& url) const;

  std::string ManifestUrl(const std::string& contract_id) const;
  std::string IssueUrl() const;
  std::string StatusListUrl(const std::string& list_id) const;

  // The stored request whose `column` ("id" or "wallet_state") is `value`.
  // 404 notFound when absent or of another `kind`, 410 requestExpired after
  // its expiry, 500 when the database fails.
  ApiResult<StoredRequest> Load(const char* column, const std::string& value,
                                const std::string& kind) const;
  // Load() for a coroutine: the read runs on one of the database's reader
  // threads and the coroutine resumes there; no thread waits for it.
  common::Task<ApiResult<StoredRequest>> LoadTask(const char* column, std::string value,
                                                  std::string kind) const;

  // Records `status` as the request's terminal status and queues its callback
  // `event_body` in one transaction, then wakes the outbox. 409
  // requestCompleted when the request already has one (exactly one terminal
  // event per request).
  ApiResult<Done> Finish(const StoredRequest& r, const CallbackSpec& cb, const std::string& status,
                         const std::string& event_body) const;
  // Finish() for a coroutine: resumes once the batch holding it is committed,
  // on the storage writer's completion thread.
  common::Task<ApiResult<Done>> FinishTask(std::string id, CallbackSpec cb, std::string status,
                                           std::string event_body) const;

  // Called after an event was queued (the server wakes its OutboxWorker).
  void SetOutboxNotifier(std::function<void()> notify) { notify_ = std::move(notify); }
  void Notify() const {
    if (notify_) notify_();
  }

 private:
  // Load()'s read: the request whose `column` is `value` into *found.
  static common::Database::Work FindWork(const char* column, const std::string& value,
                                         std::optional<StoredRequest>* found);
  // What Load() answers for what the read found.
  ApiResult<StoredRequest> Found(const common::Status& read, std::optional<StoredRequest> found,
                                 const std::string& kind) const;
  // Finish()'s transaction; sets *already when the request had ended before.
  common::Database::Work FinishWork(const std::string& id, const CallbackSpec& cb,
                                    const std::string& status, const std::string& event_body,
                                    bool* already) const;
  ApiResult<Done> Finished(const common::Status& committed, bool already) const;

  RequestServiceOptions options_;
  common::Database& db_;
  keys::KeyStore& keys_;
  std::map<std::string, credentials::Contract> contracts_;
  const common::Clock& clock_;
  std::function<void()> notify_;
};

}  // namespace vc::request_service
