// Who is calling the JSON API: an application or admin by API key from config
// ("Authorization: Bearer <key>", stored only as "sha256:<hex>", compared in
// constant time against every configured key), or an end user by an intake
// session cookie ("vcs_<session>"), which makes them the owner of that
// session's identity record.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/config/api_keys.h"
#include "common/config/config_types.h"
#include "common/http/http_message.h"
#include "issuer/sessions.h"

namespace vc::issuer {

enum class CallerRole { kUser, kApp, kAdmin };

struct Caller {
  CallerRole role = CallerRole::kUser;
  std::string id;     // "apikey:<id>" or "session:<id>", for the audit log
  std::string org;    // app keys: the org they act for; users: their record's owner
  std::string owner;  // users: their own record
  std::string name;
  // Admins: anyone; apps: records of their org; users: only their own.
  bool MayAct(const std::string& owner, const std::string& name) const;
};

class ApiAuthenticator {
 public:
  ApiAuthenticator(std::vector<common::ApiKeyConfig> keys, const SessionStore& sessions)
      : keys_(std::move(keys)), sessions_(sessions) {}

  // nullopt when the request carries no valid credential (a wrong key is not
  // retried as a cookie).
  std::optional<Caller> Authenticate(const common::HttpServerRequest& request) const;

 private:
  common::ApiKeyVerifier keys_;
  const SessionStore& sessions_;
};

}  // namespace vc::issuer
