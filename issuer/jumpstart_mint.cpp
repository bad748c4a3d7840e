#include "issuer/jumpstart_mint.h"

#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/http/url.h"
#include "common/jose/jws.h"

namespace vc::issuer {

common::Result<std::string> MintJumpstartLink(const common::Jwk& key, const JumpstartMint& m,
                                              int64_t now) {
  if (!key.has_private() || !key.CompatibleWith(common::JwsAlg::kRS256)) {
    return common::Error{"invalid_key",
                         "the key must be an RSA private key (jumpstart links are RS256)"};
  }
  common::JsonWriter w;
  w->StartObject();
  w.Member("OrgId", m.org_id);
  w.Member("RequestId", m.request_id.empty() ? common::RandomId(12) : m.request_id);
  w.Member("redirectUrl", m.redirect_url);
  w.Member("iat", now);
  w.Member("exp", now + m.lifetime_seconds);
  w->EndObject();
  const std::string kid = key.kid().empty() ? key.Thumbprint() : key.kid();
  auto token = common::SignCompact(key, common::JwsAlg::kRS256, w.str(), {"JWT", kid, ""});
  if (!token) return token.error();
  return m.base_url + "/" + common::PercentEncode(m.org_id) + "/?token=" + *token;
}

}  // namespace vc::issuer
