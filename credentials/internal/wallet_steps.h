// What the wallet clients (wallet_client, oid4vci_client, oid4vp_client)
// share: an error named after the protocol step that failed, and a string
// member read with "" for absent.
#pragma once

#include <string>

#include "common/base/json.h"
#include "common/base/result.h"

namespace vc::credentials::internal {

// Error{step, "step: why"}: the code says where the flow stopped.
inline common::Error StepError(const std::string& step, const std::string& why) {
  return common::Error{step, step + ": " + why};
}

inline std::string Str(const rapidjson::Value& obj, const char* key) {
  return std::string(common::GetString(obj, key).value_or(""));
}

}  // namespace vc::credentials::internal
