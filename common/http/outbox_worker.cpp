#include "common/http/outbox_worker.h"

#include <chrono>

#include "common/base/log.h"

namespace vc::common {

OutboxWorker::OutboxWorker(HttpOutbox& outbox, OutboxWorkerOptions options)
    : outbox_(outbox), options_(options) {
  const int lanes = options_.max_destinations > 0 ? options_.max_destinations : 1;
  for (int i = 0; i < lanes; ++i) threads_.emplace_back([this] { Lane(); });
  threads_.emplace_back([this] { Dispatch(); });
}

OutboxWorker::~OutboxWorker() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  lanes_.notify_all();
  for (auto& t : threads_) t.join();
}

void OutboxWorker::Notify() {
  {
    std::lock_guard lock(mu_);
    pending_ = true;
  }
  wake_.notify_all();
}

void OutboxWorker::Maintain(std::chrono::steady_clock::time_point& last) {
  const auto now = std::chrono::steady_clock::now();
  if (now - last < std::chrono::milliseconds(options_.maintenance_interval_ms)) return;
  last = now;
  auto purged = outbox_.Maintain();
  if (!purged) {
    LogWarn("outbox_maintenance_failed",
            {{"outbox", outbox_.name()}, {"error", purged.error().message}});
  } else if (*purged > 0) {
    LogInfo("outbox_purged", {{"outbox", outbox_.name()}, {"rows", *purged}});
  }
}

void OutboxWorker::Dispatch() {
  // The first round refreshes the gauges at once.
  auto last_maintenance = std::chrono::steady_clock::now() -
                          std::chrono::milliseconds(options_.maintenance_interval_ms);
  std::unique_lock lock(mu_);
  while (!stop_) {
    lock.unlock();
    Maintain(last_maintenance);
    auto batches = outbox_.Due();
    if (!batches) {
      LogWarn("outbox_read_failed",
              {{"outbox", outbox_.name()}, {"error", batches.error().message}});
    }
    lock.lock();
    if (batches) {
      for (auto& b : *batches) {
        if (!busy_.insert(b.destination).second) continue;  // on a lane already
        queue_.push_back(std::move(b));
      }
      lanes_.notify_all();
    }
    wake_.wait_for(lock, std::chrono::milliseconds(options_.interval_ms),
                   [this] { return stop_ || pending_; });
    pending_ = false;
  }
}

void OutboxWorker::Lane() {
  std::unique_lock lock(mu_);
  for (;;) {
    lanes_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    OutboxBatch batch = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    auto attempted = outbox_.Deliver(batch);
    if (!attempted) {
      LogWarn("outbox_delivery_failed",
              {{"outbox", outbox_.name()}, {"error", attempted.error().message}});
    }
    lock.lock();
    busy_.erase(batch.destination);
    // A delivery may have unblocked later events of its keys: look again.
    if (attempted && *attempted > 0) pending_ = true;
    wake_.notify_all();
  }
}

}  // namespace vc::common
