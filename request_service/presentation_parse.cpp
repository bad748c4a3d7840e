// createPresentationRequest: the shared rules of credentials/presentation_request
// plus what is particular to this embedded service (it has no FaceCheck).
#include "common/base/json.h"
#include "credentials/presentation_request.h"
#include "request_service/request_parse.h"

namespace vc::request_service {

ApiResult<PresentationSpec> ParsePresentationRequest(const std::string& body) {
  auto doc = detail::ParseBody(body);
  if (!doc.ok()) return doc.failure();
  const auto& b = *doc;
  PresentationSpec s;
  if (auto f = detail::ParseOptionalBool(b, "includeQRCode", s.include_qr)) return *f;
  if (auto f = detail::ParseOptionalBool(b, "includeReceipt", s.include_receipt)) return *f;
  if (auto f = detail::ParseCallback(b, s.callback)) return *f;
  if (auto f = detail::ParseAuthority(b, s.authority)) return *f;
  if (auto f = detail::ParseRegistration(b, s.client_name, &s.purpose)) return *f;
  if (auto f = credentials::ParseRequestedCredentials(b, "", s.include_receipt, s.requested)) {
    return BadField(f->path, f->message);
  }
  for (size_t i = 0; i < s.requested.size(); ++i) {
    if (!s.requested[i].face_check) continue;
    return ApiFailure{
        400, "faceCheckNotSupported",
        "FaceCheck cannot be performed by this embedded Request Service (it has no face-matching "
        "service). Remove faceCheck, or use Microsoft Entra Verified ID for FaceCheck.",
        "requestedCredentials[" + std::to_string(i) + "].configuration.validation.faceCheck"};
  }
  return s;
}

}  // namespace vc::request_service
