// The Request Service's tables (component "request_service"): requests and
// their lifecycle, the callback outbox, issued credentials and status-list
// allocations. Everything a restart must not lose is written before the
// response that depends on it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/store/migrations.h"
#include "common/store/store.h"

namespace vc::request_service {

std::vector<common::Migration> RequestServiceMigrations();

struct StoredRequest {
  std::string id;
  std::string kind;          // "issuance" | "presentation"
  std::string body;          // the validated create request, as received
  std::string wallet_state;  // the request object's "state"
  std::string nonce;
  std::string pin_salt;
  int64_t created = 0;
  int64_t expiry = 0;
  bool retrieved = false;
  std::string issued_jti;  // set once the VC was issued
  int pin_failures = 0;
  std::string terminal;  // the terminal requestStatus, empty until then
};

common::Status InsertRequest(common::Connection& c, const StoredRequest& r);
// `column` is "id" or "wallet_state". nullopt when absent. `for_update` inside
// a transaction that changes the request: concurrent changes (other
// instances) wait for it and then see its result (Connection::ForUpdate).
common::Result<std::optional<StoredRequest>> FindRequest(common::Connection& c, const char* column,
                                                         const std::string& value,
                                                         bool for_update = false);
// Sets one column of a request ("retrieved", "issued_jti", "pin_failures", "terminal").
common::Status UpdateRequest(common::Connection& c, const std::string& id, const char* column,
                             const std::string& value);
common::Status UpdateRequest(common::Connection& c, const std::string& id, const char* column,
                             int64_t value);
// Retention: deletes requests that expired before `before` (the wallet can no
// longer use them; their callbacks live in the outbox); returns how many.
common::Result<int64_t> PruneRequests(common::Connection& c, int64_t before);

struct StoredCredential {
  std::string jti;
  std::string contract_id;
  std::string list_id;
  int64_t list_index = 0;
  std::string index_hash;  // IndexClaimHash of the indexed claim, "" when none
  bool revoked = false;
};

// Allocates the next free status-list slot (a new list when the current is full).
common::Result<std::pair<std::string, int64_t>> AllocateStatusSlot(common::Connection& c,
                                                                   int64_t list_size);
common::Status InsertCredential(common::Connection& c, const StoredCredential& cred, int64_t now);
// Marks revoked; returns how many credentials changed state or matched.
common::Result<int64_t> RevokeCredentials(common::Connection& c, const char* column,
                                          const std::string& value);
// Indexes of revoked credentials in `list_id`.
common::Result<std::vector<int64_t>> RevokedIndexes(common::Connection& c,
                                                    const std::string& list_id);
common::Result<bool> ListExists(common::Connection& c, const std::string& list_id);

}  // namespace vc::request_service
