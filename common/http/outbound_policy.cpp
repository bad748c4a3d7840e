#include "common/http/outbound_policy.h"

#include <algorithm>

#include "common/http/url.h"

namespace vc::common {
namespace {

// Failed hosts remembered at most (an attacker can name any number of hosts).
constexpr size_t kMaxFailedHosts = 4096;

}  // namespace

bool OutboundPolicy::AddressAllowed(const IpAddress& addr) const {
  if (!SpecialPurpose(addr)) return true;
  return std::any_of(allow.begin(), allow.end(),
                     [&](const IpRange& r) { return r.Contains(addr); });
}

std::string_view Code(OutboundRefusal reason) {
  switch (reason) {
    case OutboundRefusal::kInvalidUrl:
      return "invalid_url";
    case OutboundRefusal::kSchemeNotAllowed:
      return "scheme_not_allowed";
    case OutboundRefusal::kAddressNotAllowed:
      return "address_not_allowed";
    case OutboundRefusal::kHostBusy:
      return "host_busy";
    case OutboundRefusal::kRecentlyFailed:
      return "recently_failed";
  }
  return "refused";
}

Result<std::string, OutboundFailure> CheckOutboundUrl(const OutboundPolicy& policy,
                                                      std::string_view url) {
  auto parsed = ParseUrl(url);
  if (!parsed || (parsed->scheme != "http" && parsed->scheme != "https")) {
    return OutboundFailure{OutboundRefusal::kInvalidUrl, "not an absolute http(s) URL"};
  }
  if (policy.https_only && parsed->scheme != "https") {
    return OutboundFailure{OutboundRefusal::kSchemeNotAllowed, "only https URLs are allowed"};
  }
  if (auto literal = IpAddress::Parse(parsed->host)) {
    if (!policy.AddressAllowed(*literal)) {
      return OutboundFailure{OutboundRefusal::kAddressNotAllowed,
                             "the address is not allowed (" +
                                 std::string(SpecialPurpose(*literal).value_or("")) + ")"};
    }
  }
  return parsed->host + ":" + std::to_string(parsed->port);
}

OutboundGuard::OutboundGuard(OutboundPolicy policy, const Clock& clock)
    : policy_(std::move(policy)), clock_(clock) {}

Result<OutboundPermit, OutboundFailure> OutboundGuard::Admit(std::string_view url) {
  auto host = CheckOutboundUrl(policy_, url);
  if (!host) return host.error();
  std::lock_guard lock(mu_);
  if (auto it = failed_until_.find(*host); it != failed_until_.end()) {
    if (it->second > clock_.NowMillis()) {
      return OutboundFailure{OutboundRefusal::kRecentlyFailed, "the host failed recently"};
    }
    failed_until_.erase(it);
  }
  int& here = in_flight_[*host];
  if (here >= policy_.max_per_host || total_ >= policy_.max_concurrent) {
    if (here == 0) in_flight_.erase(*host);
    return OutboundFailure{OutboundRefusal::kHostBusy, "too many requests under way"};
  }
  ++here;
  ++total_;
  return OutboundPermit(this, std::move(*host));
}

bool OutboundGuard::AllowConnect(const sockaddr* addr) const {
  auto ip = IpAddress::FromSockaddr(addr);
  return ip && policy_.AddressAllowed(*ip);
}

void OutboundGuard::Release(const std::string& host) {
  std::lock_guard lock(mu_);
  --total_;
  if (auto it = in_flight_.find(host); it != in_flight_.end() && --it->second <= 0) {
    in_flight_.erase(it);
  }
}

void OutboundGuard::RecordFailure(const std::string& host) {
  if (policy_.negative_cache_seconds <= 0) return;
  const int64_t now = clock_.NowMillis();
  std::lock_guard lock(mu_);
  if (failed_until_.size() >= kMaxFailedHosts) {
    std::erase_if(failed_until_, [now](const auto& e) { return e.second <= now; });
    if (failed_until_.size() >= kMaxFailedHosts) failed_until_.erase(failed_until_.begin());
  }
  failed_until_[host] = now + policy_.negative_cache_seconds * 1000;
}

void OutboundGuard::RecordSuccess(const std::string& host) {
  std::lock_guard lock(mu_);
  failed_until_.erase(host);
}

OutboundPermit::OutboundPermit(OutboundPermit&& other) noexcept
    : guard_(other.guard_), host_(std::move(other.host_)) {
  other.guard_ = nullptr;
}

OutboundPermit::~OutboundPermit() {
  if (guard_) guard_->Release(host_);
}

void OutboundPermit::Failed() {
  if (guard_) guard_->RecordFailure(host_);
}

void OutboundPermit::Succeeded() {
  if (guard_) guard_->RecordSuccess(host_);
}

}  // namespace vc::common
