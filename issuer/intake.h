// How a user journey starts and ends at the issuer: a jumpstart link or an
// Auth0 redirect opens a session; when the flow ends the browser goes back to
// the RP (303 with a signed result) or to Auth0 (auto-POST of a result token).
// Knows nothing of HTTP; intake_routes.cpp adapts it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/base/clock.h"
#include "common/base/result.h"
#include "issuer/auth0.h"
#include "issuer/jumpstart.h"
#include "issuer/sessions.h"
#include "keys/key_store.h"

namespace vc::issuer {

struct IntakeOptions {
  std::string public_base_url;  // e.g. "https://idv.example"
  int64_t session_ttl_seconds = 3600;
  int64_t result_lifetime_seconds = 300;
};

// Where the browser goes next, and the cookie that binds the session to it.
struct Started {
  Session session;
  std::string cookie_name;
  std::string cookie_value;
  std::string next_path;  // "/proofing/{session}"
};

// The way back: a 303 to `location`, or (Auth0) an auto-submitting POST form.
struct Return {
  std::string location;     // jumpstart: registered redirectUrl + query
  std::string form_action;  // auth0: https://{iss}/continue?state=…
  std::string form_token;   // auth0: the result token
  SessionStatus status = SessionStatus::kFailed;
};

class IntakeService {
 public:
  // The key purpose whose public keys are published at /.well-known/jwks.json
  // and sign the RP result tokens.
  static constexpr const char* kResultKeyPurpose = "rp-result";

  IntakeService(IntakeOptions options, const OrgRegistry& orgs, JumpstartVerifier& jumpstart,
                Auth0Intake& auth0, SessionStore& sessions, keys::KeyStore& keys,
                const common::Clock& clock);

  // Verifies the jumpstart token, claims the RequestId and opens the session;
  // a storage failure is kStorageUnavailable. Without waiting: a refusal is
  // reported at once, on the calling thread; otherwise `done` runs on the
  // storage writer thread once the claim is durable, so it must not block. The
  // RSA verify runs on the calling thread. With KeyFetch::kNever a token whose
  // org keys are not cached yet gets kNeedsKeyFetch, and nothing is claimed.
  using JumpstartDone = std::function<void(common::Result<Started, JumpstartFailure>)>;
  void StartJumpstartAsync(std::string_view path_org, std::string_view token, std::string_view mscv,
                           keys::KeyFetch fetch, JumpstartDone done);
  // Verifies the Auth0 redirect token, claims it (the token, whatever the
  // state: Auth0Intake::ReplayKey), opens the session; `done` as for
  // StartJumpstartAsync. A storage failure is kStorageUnavailable.
  using Auth0Done = std::function<void(common::Result<Started, Auth0Failure>)>;
  void StartAuth0Async(std::string_view token, std::string_view state, std::string_view mscv,
                       Auth0Done done);

  // Ends the session (idempotently) and says where the browser goes now.
  common::Result<Return> Finish(const std::string& session_id, SessionStatus status);

  // The cookie that carries a session's secret ("vcs_<id>").
  static std::string CookieName(std::string_view session_id);
  // Set-Cookie value: HttpOnly, SameSite=Lax, Path=/, Secure on https.
  std::string SetCookieHeader(const Started& started) const;

  // The RP result JWS: iss (our base URL), aud (OrgId), RequestId, status, iat, exp.
  common::Result<std::string> ResultToken(const Session& session) const;

  SessionStore& sessions() { return sessions_; }

 private:
  IntakeOptions options_;
  const OrgRegistry& orgs_;
  JumpstartVerifier& jumpstart_;
  Auth0Intake& auth0_;
  SessionStore& sessions_;
  keys::KeyStore& keys_;
  const common::Clock& clock_;
};

}  // namespace vc::issuer
