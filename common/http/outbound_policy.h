// The outbound policy for URLs that come from untrusted input — did:web
// documents, status lists, linked-domain configurations, Request Service
// callback URLs, verifier webhooks (docs/security.md, config "outbound"):
//  - http or https only, https only in production; no userinfo;
//  - never to loopback, private, link-local or other special-purpose addresses
//    (ip_range.h) unless allow-listed, checked on the address actually
//    connected to (ConnectFilter), so DNS names and rebinding cannot bypass it;
//  - no redirects, no proxy, no connection reuse across the check;
//  - a short connect timeout, a total timeout and a response cap;
//  - at most max_per_host exchanges per host and max_concurrent overall;
//  - a host that just failed is not tried again for negative_cache_seconds.
// The pieces are separate so that any client (GuardedHttpClient today, a
// curl-multi client later) applies the same rules: Admit() before sending,
// the guard as the request's ConnectFilter, the permit told the outcome.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/clock.h"
#include "common/base/result.h"
#include "common/http/http_client.h"
#include "common/http/ip_range.h"

namespace vc::common {

struct OutboundPolicy {
  bool https_only = false;     // production
  std::vector<IpRange> allow;  // special-purpose ranges the operator allows
  long connect_timeout_ms = 2'000;
  long timeout_ms = 10'000;  // a cap: a request may ask for less
  size_t max_response_bytes = 1 << 20;
  int max_per_host = 4;
  int max_concurrent = 16;
  int64_t negative_cache_seconds = 60;

  // Public unicast, or inside `allow`.
  bool AddressAllowed(const IpAddress& addr) const;
};

// Why a request was not sent (or, kAddressNotAllowed, not connected).
enum class OutboundRefusal {
  kInvalidUrl,         // not an absolute http(s) URL, or has userinfo
  kSchemeNotAllowed,   // http in production
  kAddressNotAllowed,  // a literal or resolved address outside the policy
  kHostBusy,           // max_per_host or max_concurrent exchanges under way
  kRecentlyFailed,     // the host failed less than negative_cache_seconds ago
};
using OutboundFailure = Failure<OutboundRefusal>;
std::string_view Code(OutboundRefusal reason);  // "address_not_allowed", …

class OutboundGuard;

// One admitted exchange: holds its per-host and total slots until destroyed.
// Tell it Failed() when the host could not be reached (it is then refused for
// negative_cache_seconds) or Succeeded() when it answered.
class OutboundPermit {
 public:
  OutboundPermit(OutboundPermit&& other) noexcept;
  OutboundPermit& operator=(OutboundPermit&&) = delete;
  ~OutboundPermit();
  const std::string& host() const { return host_; }  // "host:port"
  void Failed();
  void Succeeded();

 private:
  friend class OutboundGuard;
  OutboundPermit(OutboundGuard* guard, std::string host) : guard_(guard), host_(std::move(host)) {}
  OutboundGuard* guard_;
  std::string host_;
};

class OutboundGuard final : public ConnectFilter {
 public:
  OutboundGuard(OutboundPolicy policy, const Clock& clock);

  // What can be decided before connecting: the URL's shape and scheme, a
  // literal address, the host's recent failure and a free slot.
  Result<OutboundPermit, OutboundFailure> Admit(std::string_view url);

  // The check at connect time (after DNS).
  bool AllowConnect(const ::sockaddr* addr) const override;

  const OutboundPolicy& policy() const { return policy_; }

 private:
  friend class OutboundPermit;
  void Release(const std::string& host);
  void RecordFailure(const std::string& host);
  void RecordSuccess(const std::string& host);

  const OutboundPolicy policy_;
  const Clock& clock_;
  std::mutex mu_;
  std::map<std::string, int> in_flight_;         // host -> exchanges under way
  int total_ = 0;                                // all hosts
  std::map<std::string, int64_t> failed_until_;  // host -> unix ms
};

// The static part of Admit() (no slots, no cache): the URL's shape, scheme
// and literal address. Returns the "host:port" key. For config checks and
// for refusing a callback URL when a request is created.
Result<std::string, OutboundFailure> CheckOutboundUrl(const OutboundPolicy& policy,
                                                      std::string_view url);

}  // namespace vc::common
