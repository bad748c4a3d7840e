// The rows of a durable HTTP outbox table and every SQL statement that
// touches them, on both engines; the delivery loop (outbox.h) never writes SQL.
//
// Several instances deliver from one table (PostgreSQL): an event is claimed
// (leased) before it is attempted, with FOR UPDATE SKIP LOCKED so that
// instances never wait for each other's rows; the lease names its holder and
// only the holder records the outcome. An instance killed mid-delivery leaves
// a lease that expires; another instance then delivers the event: at least
// once, with the same stored headers (Idempotency-Key) every time.
//
// Each user owns its table, created by its own migrations: OutboxTableSql()
// (version 1 of the shape), OutboxUpgradeSql() (states and times), then
// OutboxLeaseSql() (leases), each in the form for the migration's engine.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/base/result.h"
#include "common/store/store.h"

namespace vc::common {

// pending: to be (re)tried; delivered: the receiver answered 2xx; dead: given
// up (refused with a 4xx, or retried past the retry period) and kept until an
// operator retries or drops it (vcctl outbox).
enum class OutboxState { kPending, kDelivered, kDead };
std::string_view StateName(OutboxState state);
std::optional<OutboxState> ParseOutboxState(std::string_view name);

struct OutboxEvent {
  int64_t id = 0;
  std::string key;          // events of one key are delivered in the order written
  std::string destination;  // the URL's origin: events are queued per destination
  std::string url;
  std::string headers;  // JSON object text
  std::string body;
  int attempts = 0;
  int64_t next_at_ms = 0;  // pending: not before
  int64_t created_ms = 0;  // written
  int64_t since_ms = 0;    // the retry period runs from here (reset by a retry)
  int64_t updated_ms = 0;  // last attempt or operator action
  OutboxState state = OutboxState::kPending;
  std::string outcome;  // of the last attempt: "200", "503", "outbound_unreachable", …
};

// What an attempt changed.
struct OutboxAttempt {
  int64_t id = 0;
  int attempts = 0;
  OutboxState state = OutboxState::kPending;
  std::string outcome;
  int64_t next_at_ms = 0;
  int64_t now_ms = 0;
  // Who claimed the event (Claim); "" for an event nobody holds. The outcome
  // is recorded only while the holder's lease stands or nobody else holds one.
  std::string holder;
};

// A destination with pending events.
struct OutboxDestination {
  std::string destination;
  int64_t first_due_ms = 0;     // the smallest next_at_ms of its pending events
  int64_t oldest_since_ms = 0;  // the smallest since_ms
  int64_t newest_since_ms = 0;  // the largest: a new or retried event
};

struct OutboxStats {
  int64_t pending = 0;
  int64_t dead = 0;
  int64_t oldest_pending_created_ms = 0;  // 0 when nothing is pending
};

std::string OutboxTableSql(const std::string& table, Engine engine = Engine::kSqlite);
std::string OutboxUpgradeSql(const std::string& table, Engine engine = Engine::kSqlite);
// The lease columns (lease_until_ms, leased_by), after OutboxUpgradeSql.
std::string OutboxLeaseSql(const std::string& table, Engine engine = Engine::kSqlite);

// The error of Record when another instance holds the event (or it is no
// longer pending): that instance owns its outcome.
inline constexpr std::string_view kOutboxLeaseLost = "outbox_lease_lost";

// `table` is a trusted constant in every function (it is spliced into SQL).
namespace outbox_store {

// Inside the caller's transaction.
Status Insert(Connection& c, const std::string& table, const std::string& key,
              const std::string& destination, const std::string& url,
              const std::string& headers_json, const std::string& body, int64_t now_ms);
// Every destination with pending events.
Result<std::vector<OutboxDestination>> Destinations(Database& db, const std::string& table);
// A destination's pending events in the order written, at most `limit`.
Result<std::vector<OutboxEvent>> Pending(Database& db, const std::string& table,
                                         const std::string& destination, int limit);
// Leases `event` to `holder` until `lease_until_ms` when it is still as read
// (pending, due, the same attempts), nobody else holds an unexpired lease on
// it, and no earlier event of its key is pending; false otherwise (another
// instance has it or had it: leave it for a later round).
Result<bool> Claim(Database& db, const std::string& table, const OutboxEvent& event,
                   const std::string& holder, int64_t lease_until_ms, int64_t now_ms);
// Records an attempt and lets the lease go; kOutboxLeaseLost when the event
// is no longer pending or another holder's lease on it has not expired.
Status Record(Database& db, const std::string& table, const OutboxAttempt& attempt);
// Events in `state` (every state when nullopt), newest first, at most `limit`.
Result<std::vector<OutboxEvent>> List(Database& db, const std::string& table,
                                      std::optional<OutboxState> state, int limit);
// Dead event `id` (every dead event when `id` is 0) back to pending, due now,
// with a new retry period; the number put back.
Result<int64_t> Retry(Database& db, const std::string& table, int64_t id, int64_t now_ms);
// Deletes event `id` whatever its state; the number deleted (0 or 1).
Result<int64_t> Drop(Database& db, const std::string& table, int64_t id);
// Deletes delivered events last updated before `before_ms`; the number deleted.
Result<int64_t> PurgeDelivered(Database& db, const std::string& table, int64_t before_ms);
Result<OutboxStats> Stats(Database& db, const std::string& table);
// Whether the table exists yet (its component's migrations ran).
Result<bool> Exists(Database& db, const std::string& table);

}  // namespace outbox_store
}  // namespace vc::common
