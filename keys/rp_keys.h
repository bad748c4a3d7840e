// The relying parties' public keys, per org: from a JWKS URL (fetched over
// HTTP(S), cached, refreshed on a schedule), an inline JWKS, or PEM files.
//
// On a kid it does not know, the registry refreshes that org's JWKS once
// (rate-limited), so an RP's key rotation is followed without waiting for the
// schedule. When the JWKS host is down, the last good keys stay in use; the log
// and /metrics say so (vc_rp_jwks_healthy{org} = 0).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/base/clock.h"
#include "common/base/metrics.h"
#include "common/base/result.h"
#include "common/http/http_client.h"
#include "common/jose/jwk.h"

namespace vc::keys {

struct RpKeySource {
  std::string org_id;
  std::string jwks_uri;  // fetched and refreshed when set
  int64_t refresh_seconds = 900;
  std::string inline_jwks_json;        // {"keys":[…]}
  std::vector<std::string> pem_texts;  // public keys (SubjectPublicKeyInfo PEM)
};

struct RpKeyStatus {
  bool healthy = false;  // the last fetch succeeded (always true for static keys)
  size_t key_count = 0;
  int64_t last_success = 0;  // seconds since the epoch; 0 = never
  int64_t next_refresh = 0;
  std::string last_error;  // empty when healthy
};

// Why KeysFor found no key; codes (Code()) are stable for logs and tests.
enum class RpKeyError {
  kUnknownOrg,       // "unknown_org": the org is not registered
  kUnknownKid,       // "unknown_kid": no key has the kid, even after a refresh
  kJwksUnavailable,  // "jwks_unavailable": the org's JWKS could never be fetched
  kFetchNeeded,      // "fetch_needed": only with KeyFetch::kNever, the keys must be fetched first
};
std::string_view Code(RpKeyError e);
using RpKeyFailure = common::Failure<RpKeyError>;

// Whether KeysFor may fetch the org's JWKS on the calling thread. A thread that
// must not block (an event loop) asks with kNever and, on kFetchNeeded, asks
// again from one that may.
enum class KeyFetch { kAllowed, kNever };

class RpKeyRegistry {
 public:
  // Minimum time between kid-miss refreshes of one org.
  static constexpr int64_t kMinForcedRefreshSeconds = 30;

  RpKeyRegistry(common::HttpClient& http, const common::Clock& clock,
                common::MetricsRegistry& metrics = common::MetricsRegistry::Global());
  ~RpKeyRegistry();

  // Registers an org. Static keys (inline JWKS, PEM) are parsed now; an error
  // names what is wrong with them. A JWKS URL is fetched on first use or by Start().
  common::Status AddOrg(const RpKeySource& source);

  // The keys that may have signed a token of `org` with header `kid` (all of
  // the org's keys when kid is empty). Refreshes once on a kid miss. Fails with
  // kUnknownOrg, kUnknownKid (after the refresh) or kJwksUnavailable (never fetched).
  common::Result<std::vector<common::Jwk>, RpKeyFailure> KeysFor(
      const std::string& org, const std::string& kid, KeyFetch fetch = KeyFetch::kAllowed);

  // Fetches `org`'s JWKS now (no-op for static keys). On failure the old keys stay.
  common::Status Refresh(const std::string& org);

  RpKeyStatus Health(const std::string& org) const;

  // Starts/stops a background thread that refreshes each org when it is due.
  void Start();
  void Stop();

 private:
  struct Entry;
  Entry* Find(const std::string& org) const;
  common::Status FetchInto(Entry& entry);
  void RunScheduler();

  common::HttpClient& http_;
  const common::Clock& clock_;
  common::GaugeFamily& healthy_gauge_;
  common::CounterFamily& refresh_counter_;
  std::map<std::string, std::unique_ptr<Entry>> orgs_;  // fixed after startup

  std::mutex scheduler_mu_;
  std::condition_variable scheduler_cv_;
  bool stopping_ = false;
  std::thread scheduler_;
};

}  // namespace vc::keys
