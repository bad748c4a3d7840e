// The relying party's side of a jumpstart link: an RS256 JWT with OrgId,
// RequestId, redirectUrl, iat and exp, signed with the RP's private key, and the
// URL an RP sends its user to. Used by `vcctl jumpstart mint` and by the
// development landing page's "Start the demo" button; production RPs sign
// their own.
#pragma once

#include <cstdint>
#include <string>

#include "common/base/result.h"
#include "common/jose/jwk.h"

namespace vc::issuer {

struct JumpstartMint {
  std::string org_id;
  std::string request_id;  // "" = a random one
  std::string redirect_url;
  int64_t lifetime_seconds = 600;
  std::string base_url;  // e.g. http://127.0.0.1:8080
};

// {base_url}/{org}/?token=<JWT>. Errors: "invalid_key" when `key` is not an
// RSA private key; signing errors as SignCompact reports them.
common::Result<std::string> MintJumpstartLink(const common::Jwk& key, const JumpstartMint& mint,
                                              int64_t now);

}  // namespace vc::issuer
