// Creating issuance and presentation requests (createIssuanceRequest /
// createPresentationRequest), storing them, and the signed request objects a
// wallet fetches from request_uri (spec §7.2, §7.4).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "request_service/authority.h"

namespace vc::request_service {

struct CreatedRequest {
  std::string request_id;
  std::string url;  // openid-vc://?request_uri=…
  int64_t expiry = 0;
  std::string qr_code;  // data URI, when asked
};

class Requests {
 public:
  explicit Requests(Authority& authority) : authority_(authority) {}

  // Validates and stores a create request. 400 badOrMissingField (with the
  // field at fault) when it is malformed, names another authority or an
  // unknown manifest, maps claims the contract refuses, or has expired.
  // Without waiting: a refusal is reported at once on the calling thread, a
  // created request from the storage writer thread once it is durable (so
  // `done` must not block). The request is validated, its ids and QR code made
  // on the calling thread.
  using CreatedDone = std::function<void(ApiResult<CreatedRequest>)>;
  void CreateIssuanceAsync(const std::string& body, CreatedDone done);
  void CreatePresentationAsync(const std::string& body, CreatedDone done);
  // CreateIssuanceAsync and wait, for callers that may block.
  ApiResult<CreatedRequest> CreateIssuance(const std::string& body);

  // The signed request object (application/jwt); `kind` "issuance"/"presentation".
  // 404 unknown, 410 expired (no callback), 409 once completed;
  // request_retrieved queued once.
  // The read runs on a reader thread and the retrieved mark commits with its
  // batch; no thread waits for either. RequestObject() waits for it.
  common::Task<ApiResult<WalletResponse>> RequestObjectTask(std::string kind, std::string id);
  ApiResult<WalletResponse> RequestObject(const std::string& kind, const std::string& id);

 private:
  // The stored request for a valid create body, or why it is refused.
  ApiResult<StoredRequest> PrepareIssuance(const std::string& body, bool* qr);
  ApiResult<StoredRequest> PreparePresentation(const std::string& body, bool* qr);
  void Store(StoredRequest r, bool qr, const std::string& path, CreatedDone done);
  std::string IssuanceRequestObject(const StoredRequest& r, const IssuanceSpec& spec);
  std::string PresentationRequestObject(const StoredRequest& r, const PresentationSpec& spec);
  // The signed request object for the loaded request `r`, and its callback.
  ApiResult<std::string> SignedRequestObject(const std::string& kind, const StoredRequest& r,
                                             CallbackSpec* cb);
  // Marks `id` retrieved and queues request_retrieved, once (*queued).
  common::Database::Work RetrievedWork(const std::string& id, const CallbackSpec& cb,
                                       bool* queued) const;

  Authority& authority_;
};

}  // namespace vc::request_service
