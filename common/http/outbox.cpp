#include "common/http/outbox.h"

#include <algorithm>
#include <cstdint>
#include <random>
#include <set>

#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/base/log.h"
#include "common/http/url.h"

namespace vc::common {
namespace {

constexpr int kBatchLimit = 1000;  // pending events read per round

std::string Destination(const std::string& url) {
  auto parsed = ParseUrl(url);
  return parsed ? parsed->Origin() : url;
}

// Receivers that say "not now": retried like network failures.
bool Transient(long status) {
  return status >= 500 || status == 408 || status == 425 || status == 429;
}

}  // namespace

HttpOutbox::HttpOutbox(Database& db, std::string table, HttpClient& http, const Clock& clock,
                       OutboxOptions options, std::string metrics_name)
    : db_(db),
      table_(std::move(table)),
      http_(http),
      clock_(clock),
      options_(std::move(options)),
      name_(metrics_name.empty() ? table_ : std::move(metrics_name)) {
  auto& registry = MetricsRegistry::Global();
  auto& deliveries = registry.AddCounter(
      "vc_outbox_deliveries_total",
      "Outbox delivery attempts (callbacks, webhooks) by outcome: delivered, failed (dead-"
      "lettered), retry",
      {"outbox", "outcome"});
  delivered_ = &deliveries.With({name_, "delivered"});
  failed_ = &deliveries.With({name_, "failed"});
  retried_ = &deliveries.With({name_, "retry"});
  queued_ = &registry.AddGauge("vc_outbox_queued", "Outbox events not delivered yet", {"outbox"})
                 .With({name_});
  dead_letters_ = &registry
                       .AddGauge("vc_outbox_dead_letters",
                                 "Outbox events given up on, kept until an operator retries or "
                                 "drops them (vcctl outbox)",
                                 {"outbox"})
                       .With({name_});
  oldest_age_ = &registry
                     .AddGauge("vc_outbox_oldest_age_seconds",
                               "Seconds the oldest undelivered outbox event has waited", {"outbox"})
                     .With({name_});
  // The age grows between delivery rounds: computed when /metrics is rendered.
  collector_key_ = "outbox:" + name_ + ":" + std::to_string(reinterpret_cast<uintptr_t>(this));
  registry.SetCollector(collector_key_, [this] {
    const int64_t since = oldest_created_ms_.load(std::memory_order_relaxed);
    oldest_age_->Set(since == 0 ? 0.0 : static_cast<double>(clock_.NowMillis() - since) / 1000.0);
  });
}

HttpOutbox::~HttpOutbox() { MetricsRegistry::Global().RemoveCollector(collector_key_); }

Status HttpOutbox::Enqueue(Connection& c, const std::string& table, const std::string& key,
                           const std::string& url,
                           const std::vector<std::pair<std::string, std::string>>& headers,
                           const std::string& body, int64_t now_ms) {
  JsonWriter w;
  w->StartObject();
  for (const auto& [k, v] : headers) {
    w->Key(k.c_str());
    w->String(v);
  }
  w->EndObject();
  return outbox_store::Insert(c, table, key, Destination(url), url, w.str(), body, now_ms);
}

bool HttpOutbox::Paused(const std::string& destination, int64_t now) {
  std::lock_guard lock(mu_);
  auto it = paused_until_.find(destination);
  if (it == paused_until_.end()) return false;
  if (it->second.until > now) return true;
  paused_until_.erase(it);
  return false;
}

void HttpOutbox::LiftPauseFor(const OutboxDestination& d) {
  std::lock_guard lock(mu_);
  auto it = paused_until_.find(d.destination);
  if (it != paused_until_.end() && d.newest_since_ms > it->second.since) paused_until_.erase(it);
}

Result<std::vector<OutboxBatch>> HttpOutbox::Due() {
  auto destinations = outbox_store::Destinations(db_, table_);
  if (!destinations) return destinations.error();
  const int64_t now = clock_.NowMillis();
  std::vector<OutboxBatch> out;
  for (const auto& d : *destinations) {
    // An event written or retried (vcctl) after the pause began is a reason
    // to try the receiver again; otherwise a paused destination comes back
    // only for events whose time is up.
    LiftPauseFor(d);
    const bool due = Paused(d.destination, now)
                         ? d.oldest_since_ms + options_.retry_seconds * 1000 <= now
                         : d.first_due_ms <= now;
    if (!due) continue;
    auto events = outbox_store::Pending(db_, table_, d.destination, kBatchLimit);
    if (!events) return events.error();
    out.push_back(OutboxBatch{d.destination, std::move(*events)});
  }
  if (auto s = Observe(); !s) return s.error();
  return out;
}

Result<int> HttpOutbox::Deliver(const OutboxBatch& batch) {
  {
    std::lock_guard lock(mu_);  // one delivery per destination at a time keeps per-key order
    if (!busy_.insert(batch.destination).second) return 0;
  }
  struct Done {
    HttpOutbox* self;
    const std::string& destination;
    ~Done() {
      std::lock_guard lock(self->mu_);
      self->busy_.erase(destination);
    }
  } done{this, batch.destination};
  std::set<std::string> blocked;  // keys with an earlier event still pending
  int attempted = 0;
  for (const auto& e : batch.events) {
    if (Status s = DeliverOne(e, batch.destination, blocked, attempted); !s) return s.error();
  }
  return attempted;
}

// One event of a batch: given up (its destination is paused past its retry
// period), skipped (its key then waits), or claimed and attempted. Errors only
// for the database.
Status HttpOutbox::DeliverOne(const OutboxEvent& e, const std::string& destination,
                              std::set<std::string>& blocked, int& attempted) {
  const int64_t now = clock_.NowMillis();
  const bool paused = Paused(destination, now);
  if (paused && e.since_ms + options_.retry_seconds * 1000 <= now) {
    const std::string outcome = e.outcome.empty() ? "not_attempted" : e.outcome;
    Status s = GiveUp(e, e.attempts, outcome, "retry_period_over", "");
    if (!s && s.error().code != kOutboxLeaseLost) return s;  // else another instance has it
    return {};
  }
  if (paused || blocked.count(e.key) || e.next_at_ms > now) {
    blocked.insert(e.key);
    return {};
  }
  // Another instance may hold it, or have attempted it since it was read.
  const std::string holder = RandomId(12);
  auto claimed = outbox_store::Claim(db_, table_, e, holder, now + LeaseMs(), now);
  if (!claimed) return claimed.error();
  if (!*claimed) {
    blocked.insert(e.key);
    return {};
  }
  ++attempted;
  Status s = Attempt(e, holder);
  if (s.ok()) return {};
  if (s.error().code != "outbox_pending" && s.error().code != kOutboxLeaseLost) return s;
  blocked.insert(e.key);
  return {};
}

Result<int> HttpOutbox::DeliverDue() {
  auto batches = Due();
  if (!batches) return batches.error();
  int attempted = 0;
  for (const auto& b : *batches) {
    auto n = Deliver(b);
    if (!n) return n.error();
    attempted += *n;
  }
  if (auto s = Observe(); !s) return s.error();
  return attempted;
}

int64_t HttpOutbox::LeaseMs() const {
  return options_.lease_ms > 0 ? options_.lease_ms : 2 * options_.timeout_ms + 5000;
}

int64_t HttpOutbox::Backoff(int attempts) {
  const int shift = std::min(attempts - 1, 40);
  const int64_t full = std::min(options_.max_backoff_ms, options_.base_backoff_ms << shift);
  thread_local std::minstd_rand rng(std::random_device{}());
  // Equal jitter: receivers that failed together do not retry together.
  std::uniform_int_distribution<int64_t> half(0, full / 2);
  return full - half(rng);
}

// The POST an event is: its stored headers (the Idempotency-Key among them).
HttpRequest HttpOutbox::RequestFor(const OutboxEvent& e) const {
  HttpRequest req;
  req.method = "POST";
  req.url = e.url;
  req.body = e.body;
  req.timeout_ms = options_.timeout_ms;
  req.headers = {{"Content-Type", "application/json"}};
  if (auto h = ParseJsonObject(e.headers)) {
    for (const auto& m : h->GetObject()) {
      if (m.value.IsString()) req.headers.emplace_back(m.name.GetString(), m.value.GetString());
    }
  }
  return req;
}

// Ok when the event is final after this attempt; error "outbox_pending" when
// it will be retried; kOutboxLeaseLost when the lease ran out and another
// instance took the event over (it owns the outcome); any other error is the
// database's.
Status HttpOutbox::Attempt(const OutboxEvent& e, const std::string& holder) {
  auto response = http_.Send(RequestFor(e));
  const std::string outcome = response ? std::to_string(response->status) : response.error().code;
  const int attempts = e.attempts + 1;
  if (response && response->status >= 200 && response->status < 300) {
    return Delivered(e, attempts, outcome, holder);
  }
  if (response && !Transient(response->status)) {
    return GiveUp(e, attempts, outcome, "refused_by_receiver", holder);
  }
  // The outbound policy will refuse it every time (until the operator
  // changes outbound.allow and retries it).
  if (!response && response.error().code == "outbound_refused") {
    return GiveUp(e, attempts, outcome, "refused_by_outbound_policy", holder);
  }
  return Retry(e, attempts, outcome, response.ok(), holder);
}

Status HttpOutbox::Delivered(const OutboxEvent& e, int attempts, const std::string& outcome,
                             const std::string& holder) {
  const int64_t now = clock_.NowMillis();
  if (auto s = outbox_store::Record(
          db_, table_, {e.id, attempts, OutboxState::kDelivered, outcome, now, now, holder});
      !s) {
    return s;
  }
  delivered_->Inc();
  if (attempts > 1) {
    LogInfo("outbox_delivered", {{"outbox", name_},
                                 {"id", e.id},
                                 {"key", e.key},
                                 {"destination", e.destination},
                                 {"attempts", attempts}});
  }
  return {};
}

// `answered`: the receiver sent an HTTP answer (a 5xx, 429 …) rather than none.
Status HttpOutbox::Retry(const OutboxEvent& e, int attempts, const std::string& outcome,
                         bool answered, const std::string& holder) {
  const int64_t now = clock_.NowMillis();
  const int64_t deadline = e.since_ms + options_.retry_seconds * 1000;
  if (now >= deadline) return GiveUp(e, attempts, outcome, "retry_period_over", holder);
  const int64_t next = std::min(now + Backoff(attempts), deadline);
  if (auto s = outbox_store::Record(
          db_, table_, {e.id, attempts, OutboxState::kPending, outcome, next, now, holder});
      !s) {
    return s;
  }
  if (!answered) {  // spare the destination's other events the wait
    std::lock_guard lock(mu_);
    paused_until_[e.destination] = Pause{next, now};
  }
  retried_->Inc();
  LogWarn("outbox_retry", {{"outbox", name_},
                           {"id", e.id},
                           {"key", e.key},
                           {"destination", e.destination},
                           {"attempt", attempts},
                           {"outcome", outcome},
                           {"retry_in_ms", next - now}});
  return Error{"outbox_pending", outcome};
}

Status HttpOutbox::GiveUp(const OutboxEvent& e, int attempts, const std::string& outcome,
                          const char* reason, const std::string& holder) {
  const int64_t now = clock_.NowMillis();
  if (auto s = outbox_store::Record(
          db_, table_, {e.id, attempts, OutboxState::kDead, outcome, now, now, holder});
      !s) {
    return s;
  }
  failed_->Inc();
  LogError("outbox_dead_letter", {{"outbox", name_},
                                  {"id", e.id},
                                  {"key", e.key},
                                  {"destination", e.destination},
                                  {"attempts", attempts},
                                  {"outcome", outcome},
                                  {"reason", reason},
                                  {"action", "vcctl outbox retry|drop"}});
  return {};
}

Result<int64_t> HttpOutbox::Maintain() {
  return outbox_store::PurgeDelivered(db_, table_,
                                      clock_.NowMillis() - options_.retention_seconds * 1000);
}

Status HttpOutbox::Observe() {
  auto stats = outbox_store::Stats(db_, table_);
  if (!stats) return stats.error();
  queued_->Set(static_cast<double>(stats->pending));
  dead_letters_->Set(static_cast<double>(stats->dead));
  oldest_created_ms_.store(stats->pending == 0 ? 0 : stats->oldest_pending_created_ms,
                           std::memory_order_relaxed);
  return {};
}

Result<int64_t> HttpOutbox::Pending() {
  auto stats = outbox_store::Stats(db_, table_);
  if (!stats) return stats.error();
  return stats->pending;
}

}  // namespace vc::common
