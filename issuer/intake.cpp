#include "issuer/intake.h"

#include <array>

#include "common/base/json.h"
#include "common/base/metrics.h"
#include "common/http/url.h"
#include "common/jose/jws.h"

namespace vc::issuer {
using common::Error;
using common::Result;

namespace {

// vc_jumpstarts_total{outcome}: "accepted" or the refusal's code. The children
// are looked up once: refusals can come as fast as acceptances (a replay flood).
constexpr size_t kJumpstartErrors = static_cast<size_t>(JumpstartError::kNeedsKeyFetch) + 1;
struct JumpstartCounters {
  common::Counter* accepted;
  std::array<common::Counter*, kJumpstartErrors> refused;
};

// Registered with the service, so every outcome reads 0 before the first link.
const JumpstartCounters& Counters() {
  static const JumpstartCounters counters = [] {
    auto& family = common::MetricsRegistry::Global().AddCounter(
        "vc_jumpstarts_total", "Jumpstart links by outcome: accepted or the refusal code",
        {"outcome"});
    JumpstartCounters c{&family.With({"accepted"}), {}};
    for (size_t i = 0; i + 1 < kJumpstartErrors; ++i) {  // every refusal but kNeedsKeyFetch
      c.refused[i] = &family.With({std::string(Code(static_cast<JumpstartError>(i)))});
    }
    return c;
  }();
  return counters;
}

void CountJumpstart(const Result<Started, JumpstartFailure>& r) {
  const JumpstartCounters& counters = Counters();
  if (r) {
    counters.accepted->Inc();
  } else if (r.error().reason != JumpstartError::kNeedsKeyFetch) {  // not an outcome: retried
    counters.refused[static_cast<size_t>(r.error().reason)]->Inc();
  }
}

}  // namespace

IntakeService::IntakeService(IntakeOptions options, const OrgRegistry& orgs,
                             JumpstartVerifier& jumpstart, Auth0Intake& auth0,
                             SessionStore& sessions, keys::KeyStore& keys,
                             const common::Clock& clock)
    : options_(std::move(options)),
      orgs_(orgs),
      jumpstart_(jumpstart),
      auth0_(auth0),
      sessions_(sessions),
      keys_(keys),
      clock_(clock) {
  Counters();
}

namespace {

Started MakeStarted(OpenedSession opened) {
  Started s;
  s.cookie_name = IntakeService::CookieName(opened.session.id);
  s.cookie_value = std::move(opened.cookie);
  s.next_path = "/proofing/" + opened.session.id;
  s.session = std::move(opened.session);
  return s;
}

std::string_view Auth0Status(SessionStatus s) {
  switch (s) {
    case SessionStatus::kIssued:
    case SessionStatus::kVerified:
      return "success";
    case SessionStatus::kCancelled:
      return "cancelled";
    default:
      return "failed";
  }
}

}  // namespace

void IntakeService::StartJumpstartAsync(std::string_view path_org, std::string_view token,
                                        std::string_view mscv, keys::KeyFetch fetch,
                                        JumpstartDone user_done) {
  JumpstartDone done = [user_done = std::move(user_done)](Result<Started, JumpstartFailure> r) {
    CountJumpstart(r);
    user_done(std::move(r));
  };
  auto claims = jumpstart_.Verify(path_org, token, fetch);
  if (!claims) return done(claims.error());
  NewSession req;
  req.kind = SessionKind::kJumpstart;
  req.org_id = claims->org_id;
  req.request_id = claims->request_id;
  req.redirect_url = claims->redirect_url;
  req.mscv = std::string(mscv);
  req.claim_scope = "jumpstart:" + claims->org_id;
  req.claim_key = claims->request_id;
  req.claim_expires_at = claims->exp;
  req.ttl_seconds = options_.session_ttl_seconds;
  sessions_.OpenAsync(req, [request_id = claims->request_id,
                            done = std::move(done)](Result<OpenedSession, OpenFailure> opened) {
    if (opened) return done(MakeStarted(std::move(*opened)));
    if (opened.error().reason == OpenError::kReplayed) {
      return done(JumpstartFailure{JumpstartError::kTokenReplayed,
                                   "RequestId " + request_id + " was used before"});
    }
    done(JumpstartFailure{JumpstartError::kStorageUnavailable, opened.error().message});
  });
}

void IntakeService::StartAuth0Async(std::string_view token, std::string_view state,
                                    std::string_view mscv, Auth0Done done) {
  auto claims = auth0_.Verify(token, state);
  if (!claims) return done(claims.error());
  NewSession req;
  req.kind = SessionKind::kAuth0;
  req.org_id = claims->iss;
  req.subject = claims->sub;
  req.auth0_state = claims->state;
  req.mscv = std::string(mscv);
  req.claim_scope = "auth0:" + claims->iss;
  req.claim_key = Auth0Intake::ReplayKey(*claims);
  req.claim_expires_at = claims->exp;
  req.ttl_seconds = options_.session_ttl_seconds;
  sessions_.OpenAsync(req, [done = std::move(done)](Result<OpenedSession, OpenFailure> opened) {
    if (opened) return done(MakeStarted(std::move(*opened)));
    const bool replayed = opened.error().reason == OpenError::kReplayed;
    done(Auth0Failure{replayed ? Auth0Error::kTokenReplayed : Auth0Error::kStorageUnavailable,
                      opened.error().message});
  });
}

Result<std::string> IntakeService::ResultToken(const Session& s) const {
  auto key = keys_.Active(kResultKeyPurpose);
  if (!key) return key.error();
  const int64_t now = clock_.NowSeconds();
  common::JsonWriter w;
  w->StartObject();
  w.Member("iss", options_.public_base_url);
  w.Member("aud", s.org_id);
  w.Member("RequestId", s.request_id);
  w->Key("status");
  const auto status = StatusName(s.status);
  w.String(status);
  w.Member("iat", now);
  w.Member("exp", now + options_.result_lifetime_seconds);
  w->EndObject();
  return common::SignCompact(key->key, key->alg, w.str(), {"JWT", key->key.kid(), ""});
}

Result<Return> IntakeService::Finish(const std::string& session_id, SessionStatus status) {
  if (status == SessionStatus::kActive)
    return Error{"invalid_status", "active is not an end state"};
  auto session = sessions_.Finish(session_id, status);
  if (!session) return session.error();
  Return out;
  out.status = session->status;
  if (session->kind == SessionKind::kAuth0) {
    Auth0Claims c;
    c.iss = session->org_id;
    c.sub = session->subject;
    c.state = session->auth0_state;
    auto token = auth0_.ReturnToken(c, Auth0Status(session->status));
    if (!token) return token.error();
    out.form_action = Auth0Intake::ContinueUrl(c.iss, c.state);
    out.form_token = std::move(*token);
    return out;
  }
  // The redirect URL was checked against the org's registered list when the
  // session opened; check again in case the configuration changed since.
  const Org* org = orgs_.Find(session->org_id);
  if (!org || !IsRegisteredRedirect(*org, session->redirect_url)) {
    return Error{"redirect_not_allowed", "the return URL is no longer registered for the org"};
  }
  auto token = ResultToken(*session);
  if (!token) return token.error();
  out.location =
      common::BuildUrl(session->redirect_url, {{"RequestId", session->request_id},
                                               {"status", std::string(StatusName(session->status))},
                                               {"result", *token}});
  return out;
}

std::string IntakeService::CookieName(std::string_view session_id) {
  return "vcs_" + std::string(session_id);
}

std::string IntakeService::SetCookieHeader(const Started& s) const {
  std::string v =
      s.cookie_name + "=" + s.cookie_value +
      "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(options_.session_ttl_seconds);
  if (options_.public_base_url.rfind("https://", 0) == 0) v += "; Secure";
  return v;
}

}  // namespace vc::issuer
