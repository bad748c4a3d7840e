// The verifier's tables (component "verifier"): presentation requests of both
// protocols and their results, the nonces of receipts and OpenID4VP requests
// already accepted (replay detection), and the webhook outbox. A result is written before the
// callback that carries it is answered; rows are purged once older than the configured retention.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/base/task.h"
#include "common/store/migrations.h"
#include "common/store/store.h"

namespace vc::verifier {

inline constexpr const char* kWebhookTable = "vf_outbox";

std::vector<common::Migration> VerifierMigrations();

inline constexpr const char* kProtocolEntra = "entra";
inline constexpr const char* kProtocolOpenId4Vp = "openid4vp";

// Stored status values: request_created, request_retrieved, presentation_verified,
// presentation_error. "expired" is derived on reading (see service.h).
struct StoredPresentation {
  std::string id;             // ours, returned to the application
  std::string org;            // the API key's org ("" for admin keys and the demo page)
  std::string policy;         // the policy as asked (PolicyJson)
  std::string state;          // random: callback.state (Entra) or the request's state
                              // (OpenID4VP); binds what comes back to this row
  std::string rs_request_id;  // the Request Service's requestId, once created
  std::string url;            // the openid-vc:// or openid4vp:// deep link
  int64_t expiry = 0;
  std::string status = "request_created";
  std::string result;  // JSON object text once verified (see service.h)
  std::string error_code;
  std::string error_message;
  int64_t created = 0;
  int64_t updated = 0;
  std::string protocol = kProtocolEntra;
  std::string nonce;           // OpenID4VP: the request's nonce
  std::string request_object;  // OpenID4VP: the signed request object served at request_uri
};

// presentation_verified and presentation_error never change again.
bool IsTerminalStatus(const std::string& status);

struct Terminal {
  std::string status;  // presentation_verified | presentation_error
  std::string result;  // when verified
  std::string error_code;
  std::string error_message;
};

class PresentationStore {
 public:
  explicit PresentationStore(common::Database& db) : db_(db) {}

  // Every column of `p` (an OpenID4VP request is complete when created).
  common::Status Insert(const StoredPresentation& p);
  // Records what the Request Service answered to the create call.
  common::Status SetCreated(const std::string& id, const std::string& rs_request_id,
                            const std::string& url, int64_t expiry);
  common::Status Remove(const std::string& id);
  // `column` is "id" or "state"; nullopt when absent.
  common::Result<std::optional<StoredPresentation>> Find(const char* column,
                                                         const std::string& value);

  // Find() for a coroutine: resumes on the reader thread that ran it.
  common::Task<common::Result<std::optional<StoredPresentation>>> FindTask(const char* column,
                                                                           std::string value);

  // request_created -> request_retrieved; false when the row is in another status.
  common::Result<bool> MarkRetrieved(const std::string& state, int64_t now);
  // MarkRetrieved() for a coroutine: resumes once the batch holding it is
  // committed, on the storage's completion thread.
  common::Task<common::Result<bool>> MarkRetrievedTask(std::string state, int64_t now);

  // Records a terminal event once: false (nothing changed) when the request is
  // already terminal. When `nonce` is not empty it is claimed first; a nonce
  // already claimed turns the event into presentation_error "nonce_replay".
  // `on_recorded` runs in the same transaction with the terminal as recorded
  // (the webhook is enqueued there, so it is durable with the result).
  using OnRecorded = std::function<common::Status(common::Connection&, const StoredPresentation&)>;
  common::Result<bool> Finish(const std::string& state, Terminal terminal, const std::string& nonce,
                              int64_t now, const OnRecorded& on_recorded);
  // Finish() for a coroutine: resumes once the batch holding it is committed,
  // on the storage's completion thread.
  common::Task<common::Result<bool>> FinishTask(std::string state, Terminal terminal,
                                                std::string nonce, int64_t now,
                                                OnRecorded on_recorded);

  // Deletes requests and nonces created before `before` (unix seconds);
  // returns the number of requests deleted. Webhooks have their own retention
  // (the outbox's: delivered ones only; dead letters wait for an operator).
  common::Result<int64_t> Purge(int64_t before);

 private:
  // MarkRetrieved()'s transaction: sets *changed.
  static common::Database::Work MarkRetrievedWork(const std::string& state, int64_t now,
                                                  bool* changed);
  // Finish()'s transaction; sets *changed, and *ended_meanwhile when another
  // event ended the request between the read and the update.
  static common::Database::Work FinishWork(const std::string& state, const Terminal& terminal,
                                           const std::string& nonce, int64_t now,
                                           const OnRecorded& on_recorded, bool* changed,
                                           bool* ended_meanwhile);
  static common::Result<bool> Finished(const common::Status& committed, bool changed,
                                       bool ended_meanwhile);

  common::Database& db_;
};

}  // namespace vc::verifier
