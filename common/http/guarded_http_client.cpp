#include "common/http/guarded_http_client.h"

#include <algorithm>

#include "common/base/log.h"

namespace vc::common {
namespace {

constexpr const char* kRefused = "outbound_refused";
constexpr const char* kUnreachable = "outbound_unreachable";

long Cap(long asked, long cap) { return asked > 0 ? std::min(asked, cap) : cap; }

}  // namespace

GuardedHttpClient::GuardedHttpClient(HttpClient& network, OutboundPolicy policy, const Clock& clock)
    : network_(network), guard_(std::move(policy), clock) {}

Result<HttpResponse> GuardedHttpClient::Send(const HttpRequest& request) {
  auto permit = guard_.Admit(request.url);
  if (!permit) {
    const auto reason = permit.error().reason;
    LogWarn(
        "outbound_refused",
        {{"reason", Code(reason)}, {"detail", permit.error().message}, {"method", request.method}});
    if (reason == OutboundRefusal::kHostBusy || reason == OutboundRefusal::kRecentlyFailed) {
      return Error{kUnreachable, "the URL could not be reached"};
    }
    return Error{kRefused, "the URL is not allowed by the outbound policy"};
  }
  const OutboundPolicy& policy = guard_.policy();
  HttpRequest guarded = request;
  guarded.follow_redirects = false;
  guarded.connect_filter = &guard_;
  guarded.timeout_ms = Cap(request.timeout_ms, policy.timeout_ms);
  guarded.connect_timeout_ms = Cap(request.connect_timeout_ms, policy.connect_timeout_ms);
  guarded.max_response_bytes = std::min(request.max_response_bytes, policy.max_response_bytes);
  auto response = network_.Send(guarded);
  if (response) {
    permit->Succeeded();
    return response;
  }
  // Transport failures of either kind mark the host, so that the next
  // requests naming it are refused at once instead of waiting again.
  permit->Failed();
  const bool refused = response.error().code == "address_refused";
  LogWarn(refused ? "outbound_refused" : "outbound_failed",
          {{"host", permit->host()},
           {"reason", refused ? std::string_view("address_not_allowed")
                              : std::string_view(response.error().code)}});
  if (refused) return Error{kRefused, "the URL is not allowed by the outbound policy"};
  return Error{kUnreachable, "the URL could not be reached"};
}

}  // namespace vc::common
