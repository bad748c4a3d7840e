// Callback event bodies (spec §5.3), serialised with nulls omitted and claim
// values as strings.
#pragma once

#include <string>

#include "credentials/presentation.h"

namespace vc::request_service {

// {requestId, requestStatus, state[, error{code, message}]}.
std::string SimpleEvent(const std::string& request_id, const std::string& status,
                        const std::string& state, const std::string& error_code = "",
                        const std::string& error_message = "");

struct Receipt {
  std::string id_token, vp_token, state;
};

// presentation_verified with subject, verifiedCredentialsData[] and, when
// `receipt` is given, receipt{id_token, vp_token, state}.
std::string PresentationVerifiedEvent(const std::string& request_id, const std::string& state,
                                      const credentials::VerifiedPresentation& p,
                                      const Receipt* receipt);

}  // namespace vc::request_service
