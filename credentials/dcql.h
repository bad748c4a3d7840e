// The Digital Credentials Query Language (OpenID4VP 1.0 §6) as far as this
// service speaks it: credential queries for SD-JWT VCs (format "dc+sd-jwt",
// meta.vct_values, claims by claims path pointer), and the vp_token that
// answers them ({"<query id>": ["<presentation>", …]}, §8.1). The verifier
// writes queries and reads vp_tokens; vcwallet reads queries and writes
// vp_tokens.
#pragma once

#include <rapidjson/document.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/json.h"
#include "common/base/result.h"

namespace vc::credentials {

inline constexpr const char* kSdJwtVcFormat = "dc+sd-jwt";

struct DcqlCredentialQuery {
  std::string id;                                // [A-Za-z0-9_-]+
  std::string format = kSdJwtVcFormat;           // other formats are read, never answered
  std::vector<std::string> vct_values;           // meta.vct_values
  std::vector<std::vector<std::string>> claims;  // claims path pointers (object keys)
};

// A DCQL credential query or claim id: non-empty, A-Z a-z 0-9 _ -.
bool IsDcqlId(std::string_view id);

// {"credentials": [{id, format, meta: {vct_values}, claims?: [{path}]}]} into
// an open JsonWriter value position.
void WriteDcqlQuery(common::JsonWriter& w, const std::vector<DcqlCredentialQuery>& queries);

// The credential queries of a dcql_query object. Error "invalid_dcql" for what
// does not parse (no credentials array, an id twice or not an id, a claims path
// that is empty or holds anything but object keys), and for credential_sets
// and claim_sets, which this wallet does not evaluate.
common::Result<std::vector<DcqlCredentialQuery>> ParseDcqlQuery(const rapidjson::Value& query);

using VpToken = std::map<std::string, std::vector<std::string>>;

// A vp_token: a JSON object whose members are arrays of presentation strings.
// Error "malformed_vp_token" saying what is wrong.
common::Result<VpToken> ParseVpToken(std::string_view json);
std::string WriteVpToken(const VpToken& token);

}  // namespace vc::credentials
