// Delivers an HttpOutbox on its own threads: a dispatcher that finds the
// destinations with due events (when Notify() is called, when a delivery
// ends, and at least every interval_ms for retries that come due) and hands
// each to one of max_destinations lanes. A destination is on at most one lane
// at a time (per-key order), and a receiver that never answers holds only
// its own lane. Every maintenance_interval_ms the outbox purges delivered
// events past their retention and refreshes its gauges.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/http/outbox.h"

namespace vc::common {

struct OutboxWorkerOptions {
  long interval_ms = 500;
  int max_destinations = 4;
  long maintenance_interval_ms = 60'000;
};

class OutboxWorker {
 public:
  explicit OutboxWorker(HttpOutbox& outbox, OutboxWorkerOptions options = {});
  // Stops: deliveries under way finish (at most one attempt's timeout);
  // what was not attempted stays pending in the table.
  ~OutboxWorker();
  OutboxWorker(const OutboxWorker&) = delete;
  OutboxWorker& operator=(const OutboxWorker&) = delete;

  void Notify();

 private:
  void Dispatch();
  void Lane();
  void Maintain(std::chrono::steady_clock::time_point& last);

  HttpOutbox& outbox_;
  OutboxWorkerOptions options_;
  std::mutex mu_;
  std::condition_variable wake_;   // the dispatcher
  std::condition_variable lanes_;  // the lanes
  bool stop_ = false;
  bool pending_ = false;
  std::deque<OutboxBatch> queue_;
  std::set<std::string> busy_;  // destinations queued or on a lane
  std::vector<std::thread> threads_;
};

}  // namespace vc::common
