#include "keys/rp_keys.h"

#include <algorithm>
#include <chrono>

#include "common/base/log.h"

namespace vc::keys {
using common::Error;
using common::Jwk;
using common::Result;
using common::Status;

struct RpKeyRegistry::Entry {
  RpKeySource source;
  mutable std::shared_mutex mu;  // guards everything below
  std::vector<Jwk> keys;
  bool fetched = false;
  RpKeyStatus status;
  int64_t last_forced = 0;
  std::mutex fetch_mu;  // one fetch per org at a time
  common::Gauge* healthy = nullptr;
  common::Counter* ok = nullptr;
  common::Counter* failed = nullptr;
};

RpKeyRegistry::RpKeyRegistry(common::HttpClient& http, const common::Clock& clock,
                             common::MetricsRegistry& metrics)
    : http_(http),
      clock_(clock),
      healthy_gauge_(metrics.AddGauge("vc_rp_jwks_healthy",
                                      "1 when the org's last JWKS fetch succeeded, 0 when the "
                                      "last good keys are being used past a failure",
                                      {"org"})),
      refresh_counter_(metrics.AddCounter("vc_rp_jwks_refresh_total",
                                          "JWKS fetches by org and result", {"org", "result"})) {}

RpKeyRegistry::~RpKeyRegistry() { Stop(); }

Status RpKeyRegistry::AddOrg(const RpKeySource& source) {
  auto entry = std::make_unique<Entry>();
  entry->source = source;
  if (!source.inline_jwks_json.empty()) {
    auto jwks = common::Jwks::FromJsonText(source.inline_jwks_json);
    if (!jwks) return Error{"invalid_keys", "inline jwks: " + jwks.error().message};
    entry->keys = jwks->keys();
  }
  for (size_t i = 0; i < source.pem_texts.size(); ++i) {
    auto key = Jwk::FromPem(source.pem_texts[i]);
    if (!key)
      return Error{"invalid_keys", "pemFiles[" + std::to_string(i) + "]: " + key.error().message};
    entry->keys.push_back(key->PublicOnly().WithKid(key->Thumbprint()));
  }
  const bool dynamic = !source.jwks_uri.empty();
  if (!dynamic && entry->keys.empty()) {
    return Error{"invalid_keys", "org " + source.org_id + " has no keys"};
  }
  entry->fetched = !dynamic;
  entry->status.healthy = !dynamic;
  entry->status.key_count = entry->keys.size();
  entry->healthy = &healthy_gauge_.With({source.org_id});
  entry->healthy->Set(dynamic ? 0 : 1);
  entry->ok = &refresh_counter_.With({source.org_id, "ok"});
  entry->failed = &refresh_counter_.With({source.org_id, "error"});
  orgs_[source.org_id] = std::move(entry);
  return Status::Ok();
}

RpKeyRegistry::Entry* RpKeyRegistry::Find(const std::string& org) const {
  auto it = orgs_.find(org);
  return it == orgs_.end() ? nullptr : it->second.get();
}

Status RpKeyRegistry::FetchInto(Entry& e) {
  std::lock_guard fetch_lock(e.fetch_mu);
  const int64_t now = clock_.NowSeconds();
  common::HttpRequest req;
  req.url = e.source.jwks_uri;
  req.headers = {{"Accept", "application/json"}};
  req.timeout_ms = 5000;
  req.max_response_bytes = 256 * 1024;
  auto resp = http_.Send(req);
  std::string error;
  Result<common::Jwks> jwks = Error{"", ""};
  if (!resp) {
    error = resp.error().message;
  } else if (resp->status != 200) {
    error = "JWKS host answered HTTP " + std::to_string(resp->status);
  } else if (jwks = common::Jwks::FromJsonText(resp->body); !jwks) {
    error = "JWKS is not valid: " + jwks.error().message;
  } else if (jwks->keys().empty()) {
    error = "JWKS has no usable key";
  }
  std::unique_lock lock(e.mu);
  e.status.next_refresh = now + std::max<int64_t>(e.source.refresh_seconds, 1);
  if (!error.empty()) {
    e.status.healthy = false;
    e.status.last_error = error;
    e.failed->Inc();
    e.healthy->Set(0);
    lock.unlock();
    common::LogWarn("rp_jwks_refresh_failed",
                    {{"org", e.source.org_id},
                     {"error", error},
                     {"keeping_keys", static_cast<int64_t>(e.keys.size())}});
    return Error{"jwks_unavailable", error};
  }
  e.keys = jwks->keys();
  e.fetched = true;
  e.status = RpKeyStatus{true, e.keys.size(), now, e.status.next_refresh, ""};
  e.ok->Inc();
  e.healthy->Set(1);
  lock.unlock();
  common::LogInfo("rp_jwks_refreshed",
                  {{"org", e.source.org_id}, {"keys", static_cast<int64_t>(jwks->keys().size())}});
  return Status::Ok();
}

Status RpKeyRegistry::Refresh(const std::string& org) {
  Entry* e = Find(org);
  if (!e) return Error{"unknown_org", "unknown org"};
  if (e->source.jwks_uri.empty()) return Status::Ok();
  return FetchInto(*e);
}

std::string_view Code(RpKeyError e) {
  switch (e) {
    case RpKeyError::kUnknownOrg:
      return "unknown_org";
    case RpKeyError::kUnknownKid:
      return "unknown_kid";
    case RpKeyError::kJwksUnavailable:
      return "jwks_unavailable";
    case RpKeyError::kFetchNeeded:
      return "fetch_needed";
  }
  return "unknown_kid";
}

Result<std::vector<Jwk>, RpKeyFailure> RpKeyRegistry::KeysFor(const std::string& org,
                                                              const std::string& kid,
                                                              KeyFetch fetch) {
  Entry* e = Find(org);
  if (!e) return RpKeyFailure{RpKeyError::kUnknownOrg, "unknown org"};
  auto lookup = [&]() -> std::optional<std::vector<Jwk>> {
    std::shared_lock lock(e->mu);
    if (!e->fetched) return std::nullopt;
    std::vector<Jwk> out;
    for (const auto& k : e->keys) {
      if (kid.empty() || k.kid() == kid) out.push_back(k);
    }
    if (out.empty()) return std::nullopt;
    return out;
  };
  if (auto keys = lookup()) return *keys;
  if (e->source.jwks_uri.empty())
    return RpKeyFailure{RpKeyError::kUnknownKid, "no key of the org has that kid"};
  // A kid miss (or a first use): refresh once, but not more often than the
  // minimum interval, so random kids cannot make us hammer the RP's host.
  {
    std::unique_lock lock(e->mu);
    const int64_t now = clock_.NowSeconds();
    const bool may_refresh = !e->fetched || now - e->last_forced >= kMinForcedRefreshSeconds;
    if (may_refresh && fetch == KeyFetch::kNever)
      return RpKeyFailure{RpKeyError::kFetchNeeded, "the org's keys must be fetched first"};
    if (may_refresh) e->last_forced = now;
    lock.unlock();
    if (may_refresh) (void)FetchInto(*e);
  }
  if (auto keys = lookup()) return *keys;
  std::shared_lock lock(e->mu);
  if (!e->fetched)
    return RpKeyFailure{RpKeyError::kJwksUnavailable, "the org's keys could not be fetched"};
  return RpKeyFailure{RpKeyError::kUnknownKid, "no key of the org has that kid"};
}

RpKeyStatus RpKeyRegistry::Health(const std::string& org) const {
  Entry* e = Find(org);
  if (!e) return {};
  std::shared_lock lock(e->mu);
  return e->status;
}

void RpKeyRegistry::Start() {
  std::lock_guard lock(scheduler_mu_);
  if (scheduler_.joinable()) return;
  stopping_ = false;
  scheduler_ = std::thread([this] { RunScheduler(); });
}

void RpKeyRegistry::Stop() {
  {
    std::lock_guard lock(scheduler_mu_);
    stopping_ = true;
  }
  scheduler_cv_.notify_all();
  if (scheduler_.joinable()) scheduler_.join();
}

void RpKeyRegistry::RunScheduler() {
  std::unique_lock lock(scheduler_mu_);
  while (!stopping_) {
    int64_t next = clock_.NowSeconds() + 60;
    for (auto& [org, e] : orgs_) {
      if (e->source.jwks_uri.empty()) continue;
      int64_t due;
      {
        std::shared_lock elock(e->mu);
        due = e->fetched || e->status.next_refresh ? e->status.next_refresh : 0;
      }
      if (due <= clock_.NowSeconds()) {
        lock.unlock();
        (void)FetchInto(*e);
        lock.lock();
        if (stopping_) return;
        std::shared_lock elock(e->mu);
        due = e->status.next_refresh;
      }
      next = std::min(next, due);
    }
    const int64_t wait = std::max<int64_t>(1, next - clock_.NowSeconds());
    scheduler_cv_.wait_for(lock, std::chrono::seconds(wait), [this] { return stopping_; });
  }
}

}  // namespace vc::keys
