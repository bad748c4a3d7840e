#include "common/http/outbox.h"

#include <algorithm>
#include <set>
#include <vector>

#include "common/base/json.h"
#include "common/base/log.h"

namespace vc::common {

std::string OutboxTableSql(const std::string& t) {
  return "CREATE TABLE " + t +
         "(\n"
         "  id INTEGER PRIMARY KEY AUTOINCREMENT, request_id TEXT NOT NULL, url TEXT NOT NULL,\n"
         "  headers TEXT NOT NULL, body TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,\n"
         "  next_at_ms INTEGER NOT NULL, done INTEGER NOT NULL DEFAULT 0, outcome TEXT NOT NULL "
         "DEFAULT '');\n"
         "CREATE INDEX " +
         t + "_pending ON " + t + "(done, id);\n";
}

HttpOutbox::HttpOutbox(Database& db, std::string table, HttpClient& http, const Clock& clock,
                       OutboxOptions options, std::string metrics_name)
    : db_(db), table_(std::move(table)), http_(http), clock_(clock), options_(options) {
  auto& registry = MetricsRegistry::Global();
  const std::string name = metrics_name.empty() ? table_ : metrics_name;
  auto& deliveries = registry.AddCounter(
      "vc_outbox_deliveries_total",
      "Outbox delivery attempts (callbacks, webhooks) by outcome: delivered, failed, retry",
      {"outbox", "outcome"});
  delivered_ = &deliveries.With({name, "delivered"});
  failed_ = &deliveries.With({name, "failed"});
  retried_ = &deliveries.With({name, "retry"});
  queued_ = &registry.AddGauge("vc_outbox_queued", "Outbox events not delivered yet", {"outbox"})
                 .With({name});
  oldest_age_ = &registry
                     .AddGauge("vc_outbox_oldest_age_seconds",
                               "Seconds the oldest undelivered outbox event has waited", {"outbox"})
                     .With({name});
  // The age grows between delivery rounds: computed when /metrics is rendered.
  collector_key_ = "outbox:" + name + ":" + std::to_string(reinterpret_cast<uintptr_t>(this));
  registry.SetCollector(collector_key_, [this] {
    const int64_t since = oldest_enqueued_ms_.load(std::memory_order_relaxed);
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
  auto st = c.Cached("INSERT INTO " + table +
                     "(request_id, url, headers, body, next_at_ms) VALUES(?,?,?,?,?)");
  if (!st) return st.error();
  return st->BindText(1, key)
      .BindText(2, url)
      .BindText(3, w.str())
      .BindText(4, body)
      .BindInt64(5, now_ms)
      .Run();
}

Result<int> HttpOutbox::DeliverDue() {
  std::lock_guard lock(deliver_mu_);
  std::vector<Entry> pending;
  Status read = db_.Read([&](Connection& c) -> Status {
    auto st = c.Cached("SELECT id, request_id, url, headers, body, attempts, next_at_ms FROM " +
                       table_ + " WHERE done = 0 ORDER BY id");
    if (!st) return st.error();
    for (;;) {
      auto row = st->Step();
      if (!row) return row.error();
      if (!*row) return {};
      pending.push_back(Entry{st->ColumnInt64(0), st->ColumnText(1), st->ColumnText(2),
                              st->ColumnText(3), st->ColumnText(4),
                              static_cast<int>(st->ColumnInt64(5)), st->ColumnInt64(6)});
    }
  });
  if (!read) return read.error();
  std::set<std::string> blocked;  // requests with an earlier event still pending
  std::vector<Entry> still_pending;
  int attempted = 0;
  for (auto& e : pending) {
    if (blocked.count(e.key) || e.next_at_ms > clock_.NowMillis()) {
      blocked.insert(e.key);
      still_pending.push_back(std::move(e));
      continue;
    }
    ++attempted;
    if (auto s = Attempt(e); !s) {
      blocked.insert(e.key);
      still_pending.push_back(std::move(e));
    }
  }
  Observe(still_pending);
  return attempted;
}

void HttpOutbox::Observe(const std::vector<Entry>& still_pending) {
  // No enqueue time is stored: an event first comes due when it is written, and
  // attempt n is due base·2^(n-1) after attempt n-1, so the schedule gives a
  // lower bound of when it was written (exact before its first attempt).
  int64_t oldest = 0;
  for (const auto& e : still_pending) {
    const int64_t backoff =
        e.attempts > 0 ? options_.base_backoff_ms * ((int64_t{1} << e.attempts) - 1) : 0;
    const int64_t enqueued = std::max<int64_t>(1, e.next_at_ms - backoff);
    if (oldest == 0 || enqueued < oldest) oldest = enqueued;
  }
  queued_->Set(static_cast<double>(still_pending.size()));
  oldest_enqueued_ms_.store(oldest, std::memory_order_relaxed);
}

// Returns an error when the event is still pending after this attempt.
Status HttpOutbox::Attempt(Entry& e) {
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
  auto response = http_.Send(req);
  const bool retry = !response || response->status >= 500;
  const int attempts = e.attempts + 1;
  std::string outcome = !response ? response.error().code : std::to_string(response->status);
  const bool done = !retry || attempts >= options_.max_attempts;
  const int64_t next = clock_.NowMillis() + (options_.base_backoff_ms << (attempts - 1));
  Status s = db_.Transaction([&](Connection& c) -> Status {
    auto st = c.Cached("UPDATE " + table_ +
                       " SET attempts = ?, done = ?, outcome = ?, next_at_ms = ? WHERE id = ?");
    if (!st) return st.error();
    return st->BindInt64(1, attempts)
        .BindInt64(2, done ? 1 : 0)
        .BindText(3, outcome)
        .BindInt64(4, next)
        .BindInt64(5, e.id)
        .Run();
  });
  if (!s) return s;
  e.attempts = attempts;
  e.next_at_ms = next;
  if (done) {
    (retry ? failed_ : response->status < 300 ? delivered_ : failed_)->Inc();
    return {};
  }
  retried_->Inc();
  return Error{"callback_pending", outcome};
}

Result<int64_t> HttpOutbox::Pending() {
  int64_t n = 0;
  Status s = db_.Read([&](Connection& c) -> Status {
    auto st = c.Cached("SELECT COUNT(*) FROM " + table_ + " WHERE done = 0");
    if (!st) return st.error();
    auto row = st->Step();
    if (!row) return row.error();
    n = st->ColumnInt64(0);
    return {};
  });
  if (!s) return s.error();
  return n;
}

OutboxWorker::OutboxWorker(HttpOutbox& outbox, long interval_ms)
    : outbox_(outbox), interval_ms_(interval_ms), thread_([this] { Run(); }) {}

OutboxWorker::~OutboxWorker() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void OutboxWorker::Notify() {
  {
    std::lock_guard lock(mu_);
    pending_ = true;
  }
  cv_.notify_all();
}

void OutboxWorker::Run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, std::chrono::milliseconds(interval_ms_),
                 [this] { return stop_ || pending_; });
    if (stop_) break;
    pending_ = false;
    lock.unlock();
    (void)outbox_.DeliverDue();
    lock.lock();
  }
}

}  // namespace vc::common
