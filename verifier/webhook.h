// What the application is told about a request: the JSON of GET
// /api/verifier/presentation-requests/{id}, and, with verifier.webhook, that
// same JSON POSTed once when the request ends (verified or failed), whichever
// protocol it used. The webhook is written to the durable outbox (vf_outbox)
// in the transaction that records the result, signed with
// X-Signature: sha256=<hex HMAC-SHA256(secret, body)>, Idempotency-Key
// <id>:<status>.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/base/clock.h"
#include "common/config/config_types.h"
#include "common/store/store.h"
#include "verifier/store.h"

namespace vc::verifier {

// The JSON the API returns for a stored request at time `now`: {id, policy,
// protocol, status, message, url, expiry} plus the result when verified and
// {code, message} under "error" when failed. "expired" is derived here.
std::string RequestJson(const StoredPresentation& row, int64_t now);

// vc_presentations_total{outcome}: "verified" or "failed" (the Request
// Service's error, a refused re-check, a refused OpenID4VP response), counted
// once per request that ends, either protocol. Register at startup so the
// series are exported before the first one.
void RegisterPresentationMetrics();
void CountPresentation(const std::string& status);

class Webhooks {
 public:
  Webhooks(common::VerifierWebhook hook, const common::Clock& clock)
      : hook_(std::move(hook)), clock_(clock) {}

  // Queues the webhook for `row` (as just recorded) inside `c`'s transaction;
  // nothing when no webhook is configured.
  common::Status Enqueue(common::Connection& c, const StoredPresentation& row) const;
  // Wakes the delivery worker; call after the transaction that queued committed.
  void Notify() const {
    if (notify_ && !hook_.url.empty()) notify_();
  }
  void SetNotifier(std::function<void()> notify) { notify_ = std::move(notify); }

 private:
  common::VerifierWebhook hook_;
  const common::Clock& clock_;
  std::function<void()> notify_;
};

}  // namespace vc::verifier
