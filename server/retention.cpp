#include "server/retention.h"

#include <functional>
#include <optional>
#include <vector>

#include "common/base/log.h"
#include "issuer/identity_records.h"
#include "issuer/issuance_store.h"
#include "issuer/proofing_attempts.h"
#include "issuer/sessions.h"
#include "request_service/request_store.h"

namespace vc::server {
namespace {

// A one-time claim outlives its token's exp by this much (the clock skew
// accepted, and a margin): before that it must stay, or the token would work again.
constexpr int64_t kClaimGraceSeconds = 600;

using Prune = std::function<common::Result<int64_t>(common::Connection&, int64_t now)>;

}  // namespace

common::Result<std::map<std::string, int64_t>> Retention::RunOnce() {
  const common::RetentionConfig& c = config_;
  std::vector<std::pair<std::string, Prune>> groups;
  if (tables_.issuer) {
    groups.emplace_back("sessions", [&c](common::Connection& conn, int64_t now) {
      return issuer::SessionStore::Prune(conn, now, kClaimGraceSeconds, c.sessions_seconds);
    });
    groups.emplace_back("proofing_attempts", [&c](common::Connection& conn, int64_t now) {
      return issuer::AttemptStore::PruneFinal(conn, now - c.proofing_attempts_seconds);
    });
    groups.emplace_back("identity_records", [&c](common::Connection& conn, int64_t now) {
      return issuer::IdentityStore::PruneUnverified(conn, now - c.unverified_identities_seconds);
    });
    groups.emplace_back("issuances", [&c](common::Connection& conn, int64_t now) {
      return issuer::IssuanceStore::Prune(conn, now - c.issuances_seconds, now);
    });
  }
  if (tables_.request_service) {
    groups.emplace_back("request_service_requests", [&c](common::Connection& conn, int64_t now) {
      return request_service::PruneRequests(conn, now - c.request_service_requests_seconds);
    });
  }
  std::map<std::string, int64_t> removed;
  std::optional<common::Error> first_failure;
  const int64_t now = clock_.NowSeconds();
  for (const auto& [name, prune] : groups) {
    common::Status st = db_.Transaction([&](common::Connection& conn) -> common::Status {
      auto n = prune(conn, now);
      if (!n) return n.error();
      removed[name] = *n;
      return common::Status::Ok();
    });
    if (!st) {
      common::LogWarn("retention_failed", {{"table", name}, {"error", st.error().message}});
      if (!first_failure) first_failure = st.error();
    }
  }
  if (first_failure) return *first_failure;
  return removed;
}

}  // namespace vc::server
