// A durable HTTP outbox: JSON POSTs written in the same transaction as the
// state change that causes them (Enqueue), then delivered with the stored
// headers (an Idempotency-Key among them, the same on every attempt) and
// Content-Type application/json. Used by the Request Service (callbacks) and
// the verifier (webhooks); docs/security.md has the rules for operators.
//
//  - 2xx delivers. 408, 425, 429, 5xx and network failures are retried with
//    exponential backoff and jitter (base, doubling, at most max_backoff,
//    each wait drawn from [half, whole]) for retry_seconds from when the event
//    was written; then it is dead-lettered. Any other 4xx is dead-lettered at
//    once (the receiver refused it; an operator may fix the receiver and
//    retry), and so is an event the outbound policy refuses (error
//    "outbound_refused" from the client, guarded_http_client.h). Dead
//    letters stay until `vcctl outbox retry|drop`.
//  - Events of one key are delivered in the order written: a later one waits
//    while an earlier one is pending.
//  - Several instances deliver from one table (PostgreSQL): each event is
//    claimed before it is attempted (outbox_store.h); a lease runs lease_ms,
//    so an event whose instance died mid-delivery is delivered by another
//    once it expires: at least once, with the same Idempotency-Key.
//  - Events are grouped by destination (the URL's origin); a destination that
//    did not answer is paused until its next retry, so its other events do
//    not each wait for a timeout. OutboxWorker delivers to several
//    destinations at once, so a receiver that never answers holds up only
//    its own events.
//  - Every retry, dead letter and late delivery is logged. Metrics (label
//    outbox = the constructor's `metrics_name`, e.g. "callbacks"):
//      vc_outbox_deliveries_total{outbox,outcome}  delivered (2xx), failed (dead-
//                                                  lettered), retry
//      vc_outbox_queued{outbox}        events still to be delivered
//      vc_outbox_dead_letters{outbox}  dead letters waiting for an operator
//      vc_outbox_oldest_age_seconds{outbox}  how long the oldest queued event has
//                                      waited (0 when none), as of the scrape
//    The gauges are as of the last delivery round.
// Storage is outbox_store.h; this file decides and sends.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/base/clock.h"
#include "common/base/metrics.h"
#include "common/http/http_client.h"
#include "common/http/outbox_store.h"
#include "common/store/store.h"

namespace vc::common {

struct OutboxOptions {
  int64_t retry_seconds = 86'400;
  int64_t base_backoff_ms = 1'000;  // 1 s, 2 s, 4 s … (before jitter)
  int64_t max_backoff_ms = 3'600'000;
  long timeout_ms = 10'000;
  int64_t retention_seconds = 7 * 86'400;  // delivered events kept this long
  // How long a claim keeps other instances off an event; 0 = 2 × timeout + 5 s.
  int64_t lease_ms = 0;
};

// One destination's due events, in the order written.
struct OutboxBatch {
  std::string destination;  // "scheme://host:port"
  std::vector<OutboxEvent> events;
};

class HttpOutbox {
 public:
  // `table` is a trusted constant (it is spliced into SQL). `metrics_name`
  // is the `outbox` label of its metrics and logs ("" = the table's name).
  HttpOutbox(Database& db, std::string table, HttpClient& http, const Clock& clock,
             OutboxOptions options = {}, std::string metrics_name = "");
  ~HttpOutbox();
  HttpOutbox(const HttpOutbox&) = delete;
  HttpOutbox& operator=(const HttpOutbox&) = delete;

  // Inside the caller's transaction.
  static Status Enqueue(Connection& c, const std::string& table, const std::string& key,
                        const std::string& url,
                        const std::vector<std::pair<std::string, std::string>>& headers,
                        const std::string& body, int64_t now_ms);

  // The due events grouped by destination (paused destinations left out);
  // refreshes the gauges.
  Result<std::vector<OutboxBatch>> Due();
  // Attempts the batch's events in order (see the rules above); returns how
  // many were attempted. Errors only for the database.
  Result<int> Deliver(const OutboxBatch& batch);
  // Due() and Deliver() of each batch in turn, on this thread (tests, and
  // callers without a worker); the gauges are refreshed after.
  Result<int> DeliverDue();

  // Deletes delivered events older than the retention; returns how many.
  Result<int64_t> Maintain();

  // Events not yet final (for tests and metrics).
  Result<int64_t> Pending();
  const OutboxOptions& options() const { return options_; }
  const std::string& table() const { return table_; }
  const std::string& name() const { return name_; }

 private:
  Status Observe();  // the gauges, from the table
  bool Paused(const std::string& destination, int64_t now);
  void LiftPauseFor(const OutboxDestination& d);
  HttpRequest RequestFor(const OutboxEvent& e) const;
  Status DeliverOne(const OutboxEvent& e, const std::string& destination,
                    std::set<std::string>& blocked, int& attempted);
  // `holder`: the claim the event was leased under ("" for none).
  Status Attempt(const OutboxEvent& e, const std::string& holder);
  Status Delivered(const OutboxEvent& e, int attempts, const std::string& outcome,
                   const std::string& holder);
  Status Retry(const OutboxEvent& e, int attempts, const std::string& outcome, bool answered,
               const std::string& holder);
  Status GiveUp(const OutboxEvent& e, int attempts, const std::string& outcome, const char* reason,
                const std::string& holder);
  int64_t Backoff(int attempts);
  int64_t LeaseMs() const;

  Database& db_;
  std::string table_;
  HttpClient& http_;
  const Clock& clock_;
  OutboxOptions options_;
  std::string name_;
  Counter* delivered_;
  Counter* failed_;
  Counter* retried_;
  Gauge* queued_;
  Gauge* dead_letters_;
  Gauge* oldest_age_;
  std::atomic<int64_t> oldest_created_ms_{0};  // 0 = nothing queued
  std::string collector_key_;
  std::mutex mu_;
  struct Pause {
    int64_t until = 0;  // unix ms
    int64_t since = 0;
  };
  std::map<std::string, Pause> paused_until_;  // by destination
  std::set<std::string> busy_;                 // destinations being delivered to
};

}  // namespace vc::common
