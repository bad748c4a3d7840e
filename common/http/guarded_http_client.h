// The HttpClient for URLs taken from untrusted input: every request goes
// through an OutboundGuard (outbound_policy.h) before and while it is sent.
// Components that fetch such URLs (DID resolution, status lists, linked
// domains, callback and webhook delivery) are given this client by the
// wiring; configured endpoints (providers, the Request Service, RP JWKS) use
// the plain one.
#pragma once

#include "common/base/clock.h"
#include "common/http/http_client.h"
#include "common/http/outbound_policy.h"

namespace vc::common {

class GuardedHttpClient final : public HttpClient {
 public:
  // `network` does the sending (a CurlHttpClient: it honours connect_filter).
  GuardedHttpClient(HttpClient& network, OutboundPolicy policy, const Clock& clock);

  // Redirects are never followed; timeouts and the response cap are at most
  // the policy's. An HTTP answer of any status is a value. Errors, whose
  // messages name no address, port or kind of network failure (so that
  // they cannot be used to map a network):
  //   "outbound_refused"      the policy refused the URL or its address
  //   "outbound_unreachable"  the host did not answer (any transport failure)
  // Each is logged with the host and the precise reason for the operator.
  Result<HttpResponse> Send(const HttpRequest& request) override;

  const OutboundGuard& guard() const { return guard_; }

 private:
  HttpClient& network_;
  OutboundGuard guard_;
};

}  // namespace vc::common
