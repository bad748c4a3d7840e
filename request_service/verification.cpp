// The wallet's presentation response (spec §7.3) and its terminal event.
#include "request_service/verification.h"

#include "common/base/task_wait.h"
#include "credentials/verify_error.h"
#include "request_service/events.h"

namespace vc::request_service {
using common::Connection;
using common::Status;

// Our own credentials are checked against the database, so verifying them
// needs no HTTP round trip to ourselves; anyone else's go to `remote`.
class Verification::LocalStatus final : public credentials::StatusChecker {
 public:
  LocalStatus(const Authority& authority, credentials::StatusChecker& remote)
      : authority_(authority), remote_(remote) {}
  common::Result<bool> IsRevoked(const std::string& issuer,
                                 const credentials::StatusEntry& e) override {
    const std::string prefix = authority_.StatusListUrl("");
    if (issuer != authority_.options().authority || !e.list_url.starts_with(prefix))
      return remote_.IsRevoked(issuer, e);
    const std::string list = e.list_url.substr(prefix.size());
    bool revoked = false;
    Status s = authority_.db().Read([&](Connection& c) -> Status {
      auto idx = RevokedIndexes(c, list);
      if (!idx) return idx.error();
      for (auto i : *idx) revoked = revoked || i == e.index;
      return {};
    });
    if (!s) return s.error();
    return revoked;
  }

 private:
  const Authority& authority_;
  credentials::StatusChecker& remote_;
};

// Our own linked domain is the origin we serve did-configuration.json from;
// checking it over HTTP would make a request handler call its own server,
// which can deadlock when every event-loop thread is busy.
class Verification::LocalDomains final : public credentials::LinkedDomainChecker {
 public:
  LocalDomains(const Authority& authority, credentials::LinkedDomainChecker& remote)
      : authority_(authority), remote_(remote) {}
  common::Result<std::string> Verify(const std::string& did) override {
    const auto& options = authority_.options();
    if (did == options.authority) return options.public_base_url + "/";
    return remote_.Verify(did);
  }

 private:
  const Authority& authority_;
  credentials::LinkedDomainChecker& remote_;
};

Verification::Verification(Authority& authority, credentials::DidResolver& resolver,
                           credentials::StatusChecker& remote_status,
                           credentials::LinkedDomainChecker& remote_domains)
    : authority_(authority),
      resolver_(resolver),
      status_(std::make_unique<LocalStatus>(authority, remote_status)),
      domains_(std::make_unique<LocalDomains>(authority, remote_domains)) {}

Verification::~Verification() = default;

ApiResult<WalletResponse> Verification::VerifyPresentation(const common::QueryParams& form) {
  return common::WaitServing<ApiResult<WalletResponse>>(
      [&](common::Executor here) { return VerifyPresentationTask(form, std::move(here)); });
}

common::Task<ApiResult<WalletResponse>> Verification::VerifyPresentationTask(
    common::QueryParams form, common::Executor blocking) {
  const auto state = form.Get("state");
  const auto id_token = form.Get("id_token");
  const auto vp_token = form.Get("vp_token");
  if (!state) co_return BadField("state", "state is required.");
  if (!id_token || !vp_token) co_return BadField("id_token", "id_token and vp_token are required.");
  auto r = co_await authority_.LoadTask("wallet_state", std::string(*state), "presentation");
  if (!r.ok()) co_return r.failure();
  if (!r->terminal.empty()) {
    co_return ApiFailure{409, "requestCompleted", "This presentation request was already answered.",
                         "state"};
  }
  auto spec = ParsePresentationRequest(r->body);
  if (!spec.ok()) co_return spec.failure();
  credentials::PresentationPolicy policy{authority_.options().authority, r->nonce, spec->requested,
                                         authority_.clock().NowSeconds(), 60};
  credentials::PresentationResponse response{std::string(*id_token), std::string(*vp_token)};
  // DID resolution, status lists and linked domains: outbound calls that block.
  auto verified = co_await common::RunOn<common::Result<credentials::VerifiedPresentation>>(
      std::move(blocking), [this, &response, &policy] {
        return credentials::ValidatePresentation(response, policy, resolver_, *status_, *domains_);
      });
  const auto& cb = spec->callback;
  if (!verified) {
    const auto& e = verified.error();
    auto done = co_await authority_.FinishTask(
        r->id, cb, "presentation_error",
        SimpleEvent(r->id, "presentation_error", cb.state, e.code, e.message));
    if (!done.ok()) co_return done.failure();
    co_return ApiFailure{400, e.code, e.message, "vp_token"};
  }
  Receipt receipt{response.id_token, response.vp_token, std::string(*state)};
  auto done = co_await authority_.FinishTask(
      r->id, cb, "presentation_verified",
      PresentationVerifiedEvent(r->id, cb.state, *verified,
                                spec->include_receipt ? &receipt : nullptr));
  if (!done.ok()) co_return done.failure();
  co_return WalletResponse{200, "application/json", "{}"};
}

}  // namespace vc::request_service
