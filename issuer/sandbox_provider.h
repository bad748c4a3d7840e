// The sandbox proofing provider: the embedded default for development and
// demos. It checks formats (the 18-digit PRC resident ID checksum, ISO 7064
// MOD 11-2), gives deterministic outcomes for the test names documented in
// docs/proofing.md, and has an asynchronous mode that behaves like a hosted
// vendor: a redirect to its own page (/sandbox-provider/{ref}), then a signed
// callback over real HTTP, then Fetch. Never for production (the service
// refuses it there); every page it touches carries the SANDBOX banner.
#pragma once

#include <memory>
#include <string>

#include "common/base/clock.h"
#include "common/http/http_client.h"
#include "common/http/outbox.h"
#include "common/http/outbox_worker.h"
#include "common/store/store.h"
#include "issuer/proofing_provider.h"

namespace vc::issuer {

// ISO 7064 MOD 11-2 over the first 17 digits of a PRC resident ID, compared
// with the 18th character ('X' for 10). False on any malformed input.
bool IsValidPrcResidentId(std::string_view id);

// The sandbox's callback signature header: lower-hex HMAC-SHA256(secret, body).
inline constexpr const char* kSandboxSignatureHeader = "x-sandbox-signature";

class SandboxProvider final : public ProofingProvider {
 public:
  // `callback_secret` signs callbacks (a KeyStore secret); `public_base_url`
  // is where its hosted page lives. Its checks and queued callbacks live in
  // `db` (tables of component "issuer_sandbox", migrated here; throws
  // std::runtime_error when that fails), so the hosted page, the callback and
  // Fetch work whichever instance serves them.
  SandboxProvider(std::string public_base_url, std::string callback_secret, common::Database& db,
                  common::HttpClient& http, const common::Clock& clock);
  ~SandboxProvider() override;

  std::string_view Type() const override { return "sandbox"; }
  bool IsSandbox() const override { return true; }
  bool KeepsChecksAcrossRestarts() const override { return false; }
  common::Status Validate(const ClaimedIdentity& claimed) const override;
  common::Result<StartResult> Start(const ProofingStart& start) override;
  common::Result<ProviderVerdict> Fetch(const std::string& reference) override;
  common::Result<CallbackEvent> AuthenticateCallback(const CallbackInput& in) override;
  common::Status Test() override { return common::Status::Ok(); }

  // The hosted page's "finish" button: marks the check done and queues the
  // callback (once, however often it is pressed). Returns the URL the browser
  // goes back to; "attempt_not_found".
  common::Result<std::string> CompleteHosted(const std::string& reference);
  // Delivers queued callbacks now (tests drive this); returns how many were attempted.
  int DeliverPending();
  // Or let a background thread deliver them as they are queued.
  void StartWorker();
  void StopWorker();

 private:
  std::string public_base_url_;
  std::string callback_secret_;
  common::Database& db_;
  const common::Clock& clock_;
  common::HttpOutbox callbacks_;
  std::unique_ptr<common::OutboxWorker> worker_;
};

}  // namespace vc::issuer
