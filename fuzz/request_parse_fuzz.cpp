// The embedded Request Service's createIssuanceRequest and
// createPresentationRequest bodies: any body is a spec or a 400 failure.
#include <cstdint>
#include <string>

#include "request_service/request_parse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  (void)vc::request_service::ParseIssuanceRequest(body);
  (void)vc::request_service::ParsePresentationRequest(body);
  return 0;
}
