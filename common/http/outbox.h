// A durable HTTP outbox: JSON POSTs written in the same transaction as the state
// change that causes them, then delivered by DeliverDue() with the stored headers
// and Content-Type application/json. 2xx delivers; a 4xx is final (the receiver
// refused it, retrying cannot help); 5xx and network errors retry with exponential
// backoff up to max_attempts. Events of one key (e.g. one request) are delivered
// in the order they were written: a later event waits while an earlier one is
// pending. Used by the Request Service (callbacks) and the verifier (webhooks).
// Who calls DeliverDue is up to the wiring (OutboxWorker, or the test itself).
//
// Each user owns its table, created by its own migration with OutboxTableSql().
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/base/clock.h"
#include "common/base/metrics.h"
#include "common/http/http_client.h"
#include "common/store/store.h"

namespace vc::common {

struct OutboxOptions {
  int max_attempts = 5;
  int64_t base_backoff_ms = 1000;  // 1 s, 2 s, 4 s, 8 s …
  long timeout_ms = 10'000;
};

// CREATE TABLE/INDEX statements for an outbox table named `table` (a constant).
std::string OutboxTableSql(const std::string& table);

// Metrics (label outbox = the constructor's `metrics_name`, e.g. "callbacks"):
//   vc_outbox_deliveries_total{outbox,outcome}  delivered (2xx), failed (final: a 4xx
//                                               or the last attempt), retry
//   vc_outbox_queued{outbox}                    events not yet final, as of the last round
//   vc_outbox_oldest_age_seconds{outbox}        how long the oldest of them has waited
//                                               (from its schedule; 0 when none)
class HttpOutbox {
 public:
  // `table` is a trusted constant (it is spliced into SQL).
  // `metrics_name` is the `outbox` label of its metrics ("" = the table's name).
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

  // Attempts every due event once; returns how many were attempted.
  // Errors only for the database.
  Result<int> DeliverDue();

  // Counts of events not yet final (for tests and metrics).
  Result<int64_t> Pending();

 private:
  struct Entry {
    int64_t id;
    std::string key, url, headers, body;
    int attempts;
    int64_t next_at_ms;
  };
  // Updates e.attempts and e.next_at_ms; an error while the event is still pending.
  Status Attempt(Entry& e);
  // The queue gauges from the events still pending after a round.
  void Observe(const std::vector<Entry>& still_pending);

  Database& db_;
  std::string table_;
  HttpClient& http_;
  const Clock& clock_;
  OutboxOptions options_;
  std::mutex deliver_mu_;  // one delivery round at a time keeps per-key order
  Counter* delivered_;
  Counter* failed_;
  Counter* retried_;
  Gauge* queued_;
  Gauge* oldest_age_;
  std::atomic<int64_t> oldest_enqueued_ms_{0};  // 0 = nothing pending
  std::string collector_key_;
};

// Runs DeliverDue on a thread: when Notify() is called and at least every
// `interval_ms` (for retries that come due).
class OutboxWorker {
 public:
  OutboxWorker(HttpOutbox& outbox, long interval_ms = 500);
  ~OutboxWorker();
  void Notify();

 private:
  void Run();
  HttpOutbox& outbox_;
  long interval_ms_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool pending_ = false;
  std::thread thread_;
};

}  // namespace vc::common
