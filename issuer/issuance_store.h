// Issuance requests the issuer made for a session: the Request Service's
// requestId and deep link, the callback state that ties its events back to the
// session, the PIN shown to the user, and how far the wallet got. Status only
// moves forward (request_created -> request_retrieved -> issuance_successful or
// issuance_error), so duplicate, late or out-of-order callbacks change nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/base/clock.h"
#include "common/base/result.h"
#include "common/base/task.h"
#include "common/store/store.h"

namespace vc::issuer {

enum class IssuanceStatus { kCreated, kRetrieved, kSuccessful, kError };

std::string_view IssuanceStatusName(IssuanceStatus status);  // Entra's requestStatus words
std::optional<IssuanceStatus> ParseIssuanceStatus(std::string_view name);
inline bool IsTerminal(IssuanceStatus s) {
  return s == IssuanceStatus::kSuccessful || s == IssuanceStatus::kError;
}

struct IssuanceRecord {
  std::string id;          // ours, random: the page polls /api/issuer/request-status?id=
  std::string session_id;  // "" for an account offer (no browser session)
  std::string subject;     // the identity record, "owner/name" ("" in rows before migration 2)
  std::string state;       // callback.state, random; never shown to the browser
  std::string request_id;  // the Request Service's
  std::string url;         // openid-vc:// deep link
  int64_t expiry = 0;      // unix seconds, from the Request Service
  std::string pin;         // shown to the user until the request ends; "" = none
  IssuanceStatus status = IssuanceStatus::kCreated;
  std::string error_code;     // issuance_error: the callback's error.code
  std::string error_message;  // issuance_error: the callback's error.message
  std::string offer_group;    // the offer gate's holder this request belongs to (offer_gate.h)
  int64_t created_at = 0;
  int64_t updated_at = 0;

  // Not terminal and past its expiry: the wallet can no longer use the link.
  bool Expired(int64_t now) const { return !IsTerminal(status) && now > expiry; }
};

// A callback event as it affects a record.
struct IssuanceEvent {
  std::string state;
  std::string request_id;
  IssuanceStatus status = IssuanceStatus::kRetrieved;
  std::string error_code;
  std::string error_message;
};

class IssuanceStore {
 public:
  IssuanceStore(common::Database& db, const common::Clock& clock) : db_(db), clock_(clock) {}

  // Creates the table (component "issuer_issuance").
  static common::Status Migrate(common::Database& db);

  // Stores a new record (timestamps and status filled in here; the id and a
  // random state too unless the caller chose them: NewId(), or the state it
  // already sent to the Request Service).
  common::Result<IssuanceRecord> Insert(IssuanceRecord record);
  static std::string NewId();  // "is_" + random
  // Retention: deletes records created before `before` that the wallet can no
  // longer use (ended, or expired at `now`), and offer gates that hold nothing
  // and whose window is over; returns how many rows went.
  static common::Result<int64_t> Prune(common::Connection& conn, int64_t before, int64_t now);

  // "issuance_not_found" when unknown.
  common::Result<IssuanceRecord> Get(const std::string& id) const;
  common::Result<std::optional<IssuanceRecord>> LatestForSession(
      const std::string& session_id) const;
  common::Result<std::optional<IssuanceRecord>> FindByState(const std::string& state) const;
  // FindByState() for a coroutine: resumes on the reader thread that ran it.
  common::Task<common::Result<std::optional<IssuanceRecord>>> FindByStateTask(
      std::string state) const;

  // Applies an event inside the caller's transaction. Returns the record as it
  // is now and whether it changed; nullopt when no record has this state or the
  // requestId differs. A terminal event clears the PIN.
  common::Result<std::optional<std::pair<IssuanceRecord, bool>>> Apply(common::Connection& conn,
                                                                       const IssuanceEvent& event);

 private:
  common::Result<std::optional<IssuanceRecord>> Find(const std::string& where,
                                                     const std::string& arg) const;
  common::Database& db_;
  const common::Clock& clock_;
};

}  // namespace vc::issuer
