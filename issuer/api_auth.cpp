#include "issuer/api_auth.h"

namespace vc::issuer {

bool Caller::MayAct(const std::string& o, const std::string& n) const {
  switch (role) {
    case CallerRole::kAdmin:
      return true;
    case CallerRole::kApp:
      return !org.empty() && o == org;
    case CallerRole::kUser:
      return o == owner && n == name;
  }
  return false;
}

std::optional<Caller> ApiAuthenticator::Authenticate(const common::HttpServerRequest& req) const {
  if (common::ApiKeyVerifier::HasBearer(req)) {
    auto match = keys_.Match(req);
    if (!match) return std::nullopt;
    Caller c;
    c.role = match->admin ? CallerRole::kAdmin : CallerRole::kApp;
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
