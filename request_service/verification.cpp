// The wallet's presentation response (spec §7.3) and its terminal event.
#include "credentials/verify_error.h"
#include "request_service/events.h"
#include "request_service/service.h"

namespace vc::request_service {

ApiResult<WalletResponse> RequestService::VerifyPresentation(const common::QueryParams& form) {
  const auto state = form.Get("state");
  const auto id_token = form.Get("id_token");
  const auto vp_token = form.Get("vp_token");
  if (!state) return BadField("state", "state is required.");
  if (!id_token || !vp_token) return BadField("id_token", "id_token and vp_token are required.");
  auto r = Load("wallet_state", std::string(*state), "presentation");
  if (!r.ok()) return r.failure();
  if (!r->terminal.empty()) {
    return ApiFailure{409, "requestCompleted", "This presentation request was already answered.",
                      "state"};
  }
  auto spec = ParsePresentationRequest(r->body);
  if (!spec.ok()) return spec.failure();
  credentials::PresentationPolicy policy{options_.authority, r->nonce, spec->requested,
                                         clock_.NowSeconds(), 60};
  credentials::PresentationResponse response{std::string(*id_token), std::string(*vp_token)};
  auto verified = credentials::ValidatePresentation(response, policy, resolver_, *status_checker_,
                                                    *domain_checker_);
  const auto& cb = spec->callback;
  if (!verified) {
    const auto& e = verified.error();
    auto done = Finish(*r, cb, "presentation_error",
                       SimpleEvent(r->id, "presentation_error", cb.state, e.code, e.message));
    if (!done.ok()) return done.failure();
    return ApiFailure{400, e.code, e.message, "vp_token"};
  }
  Receipt receipt{response.id_token, response.vp_token, std::string(*state)};
  auto done = Finish(*r, cb, "presentation_verified",
                     PresentationVerifiedEvent(r->id, cb.state, *verified,
                                               spec->include_receipt ? &receipt : nullptr));
  if (!done.ok()) return done.failure();
  return WalletResponse{200, "application/json", "{}"};
}

}  // namespace vc::request_service
