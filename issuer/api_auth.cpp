#include "issuer/api_auth.h"

#include "common/crypto.h"

namespace vc::issuer {

bool Caller::MayAct(const std::string& o, const std::string& n) const {
  switch (role) {
    case CallerRole::kAdmin: return true;
    case CallerRole::kApp: return !org.empty() && o == org;
    case CallerRole::kUser: return o == owner && n == name;
  }
  return false;
}

std::optional<Caller> ApiAuthenticator::Authenticate(const common::HttpServerRequest& req) const {
  const std::string auth(req.Header("authorization").value_or(""));
  if (auth.rfind("Bearer ", 0) == 0) {
    const std::string presented = "sha256:" + common::HexEncode(common::Sha256(auth.substr(7)));
    const common::ApiKeyConfig* match = nullptr;
    for (const auto& k : keys_) {  // no early exit: every key is compared
      if (common::ConstantTimeEquals(presented, k.hash) && !match) match = &k;
    }
    if (!match) return std::nullopt;
    Caller c;
    c.role = match->role == "admin" ? CallerRole::kAdmin : CallerRole::kApp;
    c.id = "apikey:" + match->id;
    c.org = match->org;
    return c;
  }
  for (const auto& [name, value] : req.cookies) {
    if (name.rfind("vcs_", 0) != 0) continue;
    auto s = sessions_.Authenticate(name.substr(4), value);
    if (!s) continue;
    Caller c;
    c.role = CallerRole::kUser;
    c.id = "session:" + s->id;
    c.org = c.owner = s->org_id;
    c.name = s->kind == SessionKind::kAuth0 ? s->subject : s->request_id;
    return c;
  }
  return std::nullopt;
}

}  // namespace vc::issuer
