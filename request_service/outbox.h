// The durable callback outbox. Events are written in the same transaction as
// the state change that causes them, then delivered by DeliverDue(): a POST to
// callback.url with Content-Type application/json and the caller's headers.
// 2xx delivers; a 4xx is final (the caller refused it, retrying cannot help);
// 5xx and network errors retry with exponential backoff up to max_attempts.
// Events of one request are delivered in the order they were written: a later
// event waits while an earlier one is pending. Who calls DeliverDue is up to
// the wiring (OutboxWorker in the server, the test itself in tests).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "common/clock.h"
#include "common/http_client.h"
#include "common/store.h"
#include "request_service/request_parse.h"

namespace vc::request_service {

struct OutboxOptions {
  int max_attempts = 5;
  int64_t base_backoff_ms = 1000;  // 1 s, 2 s, 4 s, 8 s …
  long timeout_ms = 10'000;
};

class CallbackOutbox {
 public:
  CallbackOutbox(common::Database& db, common::HttpClient& http, const common::Clock& clock,
                 OutboxOptions options = {});

  // Inside the caller's transaction.
  static common::Status Enqueue(common::Connection& c, const std::string& request_id,
                                const CallbackSpec& callback, const std::string& body, int64_t now_ms);

  // Attempts every due event once; returns how many were attempted.
  // Errors only for the database.
  common::Result<int> DeliverDue();

  // Counts of events not yet final (for tests and metrics).
  common::Result<int64_t> Pending();

 private:
  struct Entry {
    int64_t id;
    std::string request_id, url, headers, body;
    int attempts;
    int64_t next_at_ms;
  };
  common::Status Attempt(const Entry& e);

  common::Database& db_;
  common::HttpClient& http_;
  const common::Clock& clock_;
  OutboxOptions options_;
  std::mutex deliver_mu_;  // one delivery round at a time keeps per-request order
};

// Runs DeliverDue on a thread: when Notify() is called and at least every
// `interval_ms` (for retries that come due).
class OutboxWorker {
 public:
  OutboxWorker(CallbackOutbox& outbox, long interval_ms = 500);
  ~OutboxWorker();
  void Notify();

 private:
  void Run();
  CallbackOutbox& outbox_;
  long interval_ms_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool pending_ = false;
  std::thread thread_;
};

}  // namespace vc::request_service
