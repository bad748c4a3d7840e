// The wallet's presentation response (spec §7.3): validation against the
// stored presentation request and its terminal event.
#pragma once

#include <memory>

#include "common/http/url.h"
#include "credentials/did_resolver.h"
#include "credentials/presentation.h"
#include "request_service/authority.h"

namespace vc::request_service {

class Verification {
 public:
  // Our own credentials' status and our own linked domain are answered
  // locally; anyone else's go to `remote_status` and `remote_domains`.
  Verification(Authority& authority, credentials::DidResolver& resolver,
               credentials::StatusChecker& remote_status,
               credentials::LinkedDomainChecker& remote_domains);
  ~Verification();
  Verification(const Verification&) = delete;
  Verification& operator=(const Verification&) = delete;

  // `form` carries state, id_token and vp_token. 200 "{}" once
  // presentation_verified is queued; a presentation that fails validation
  // queues presentation_error and answers 400 with the verification code.
  // 409 when the request was already answered.
  // The load on a reader thread, the validation (DID resolution, status
  // lists, linked domains: outbound calls) on `blocking`, the event committed
  // with its batch. VerifyPresentation() waits for it.
  common::Task<ApiResult<WalletResponse>> VerifyPresentationTask(common::QueryParams form,
                                                                 common::Executor blocking);
  ApiResult<WalletResponse> VerifyPresentation(const common::QueryParams& form);

 private:
  class LocalStatus;
  class LocalDomains;

  Authority& authority_;
  credentials::DidResolver& resolver_;
  std::unique_ptr<LocalStatus> status_;
  std::unique_ptr<LocalDomains> domains_;
};

}  // namespace vc::request_service
