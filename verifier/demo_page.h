// The verifier's demo page (GET /verifier, development only): pick a configured
// policy, create a request, see its QR code (inline SVG) and deep link, watch the
// status (polled every second) and the verified claims. Same-origin script only,
// allowed by its CSP hash; everything from the server is inserted as text, except
// the QR code SVG, which the server itself generated.
#pragma once

#include <string>
#include <vector>

#include "common/http/http_message.h"
#include "verifier/policy.h"

namespace vc::verifier {

common::HttpServerResponse DemoPageResponse(const std::vector<Policy>& policies,
                                            const std::string& banner);

// The page's script (exposed for tests of its CSP hash).
const std::string& DemoPageScript();

}  // namespace vc::verifier
