// A durable HTTP outbox: JSON POSTs written in the same transaction as the state
// change that causes them, then delivered by DeliverDue() with the stored headers
// and Content-Type application/json. 2xx delivers; a 4xx is final (the receiver
// refused it, retrying cannot help); 5xx and network errors retry with exponential
// backoff up to max_attempts. Events of one key (e.g. one request) are delivered
// in the order they were written: a later event waits while an earlier one is
// pending. Used by the Request Service (callbacks) and the verifier (webhooks).
// Who calls DeliverDue is up to the wiring (OutboxWorker, or the test itself).
//
// Several instances deliver from one table (PostgreSQL): an event is leased
// before it is attempted (FOR UPDATE SKIP LOCKED there, so instances never
// wait for each other's rows), the lease names its holder, and only the holder
// records the outcome. An instance killed mid-delivery leaves a lease that
// expires after lease_ms; another instance then delivers the event: at least
// once, with the same stored headers (Idempotency-Key) every time.
//
// Each user owns its table, created by its own migrations with OutboxTableSql()
// and then OutboxLeaseSql().
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/base/clock.h"
#include "common/http/http_client.h"
#include "common/store/store.h"

namespace vc::common {

struct OutboxOptions {
  int max_attempts = 5;
  int64_t base_backoff_ms = 1000;  // 1 s, 2 s, 4 s, 8 s …
  long timeout_ms = 10'000;
  int batch = 8;  // events leased at once
  // How long a lease keeps other instances off an event; 0 = 2 × timeout + 5 s.
  int64_t lease_ms = 0;
};

// CREATE TABLE/INDEX statements for an outbox table named `table` (a constant).
std::string OutboxTableSql(const std::string& table, Engine engine = Engine::kSqlite);
// The lease columns, added to a table made by OutboxTableSql (a later migration).
std::string OutboxLeaseSql(const std::string& table, Engine engine = Engine::kSqlite);

class HttpOutbox {
 public:
  // `table` is a trusted constant (it is spliced into SQL).
  HttpOutbox(Database& db, std::string table, HttpClient& http, const Clock& clock,
             OutboxOptions options = {});

  // Inside the caller's transaction.
  static Status Enqueue(Connection& c, const std::string& table, const std::string& key,
                        const std::string& url,
                        const std::vector<std::pair<std::string, std::string>>& headers,
                        const std::string& body, int64_t now_ms);

  // Leases the due events (the first pending one of each key) and attempts
  // each once, round after round while rounds deliver; returns how many were
  // attempted. Errors only for the database.
  Result<int> DeliverDue();

  // Counts of events not yet final (for tests and metrics).
  Result<int64_t> Pending();

 private:
  struct Entry {
    int64_t id;
    std::string key, url, headers, body;
    int attempts;
  };
  Result<std::vector<Entry>> Lease(const std::string& holder, int64_t lease_until);
  Status Attempt(const Entry& e, const std::string& holder);
  int64_t LeaseMs() const;

  Database& db_;
  std::string table_;
  HttpClient& http_;
  const Clock& clock_;
  OutboxOptions options_;
  std::mutex deliver_mu_;  // one delivery round at a time in this process
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
