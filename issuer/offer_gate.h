// One live credential offer per identity record, and a bounded number of them.
// Every offer of a record — an Entra issuance request today, an OpenID4VCI
// offer later — passes this gate before it is created: the gate names the one
// offer that holds it, until that offer completes, fails or expires, and it
// counts the offers of the record in a window. So pressing Continue twenty
// times, or calling the account API in a loop, yields one code for one wallet.
//
// A holder keeps the gate until `live_until`: a reservation while the offer is
// being created (reservation_seconds), then the offer's own expiry (Hold). A
// crash between the two leaves at most a reservation, which lapses.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/base/clock.h"
#include "common/base/result.h"
#include "common/store/store.h"

namespace vc::issuer {

struct OfferLimits {
  int64_t max_offers_per_record = 5;  // offers created per record and window; 0 = no limit
  int64_t window_seconds = 86400;     // at most OfferGate::kMaxWindowSeconds
  int64_t reservation_seconds = 120;  // a holder's time to get its offer created
};

enum class GateRefusal {
  kLive,   // another offer of the record is live: `holder` names it
  kLimit,  // the record had its offers for this window: again in `retry_after` seconds
};
struct GateFailure {
  GateRefusal reason = GateRefusal::kLive;
  std::string holder;
  int64_t retry_after = 0;
};

class OfferGate {
 public:
  OfferGate(common::Database& db, const common::Clock& clock, OfferLimits limits)
      : db_(db), clock_(clock), limits_(limits) {}

  // Creates the table (part of component "issuer_issuance", IssuanceStore::Migrate).
  static std::string MigrationSql(common::Engine engine);

  // Takes the gate of `subject` ("owner/name") for the new offer `holder`:
  // nullopt when taken, otherwise why not. An Error only when storage failed.
  common::Result<std::optional<GateFailure>> Open(const std::string& subject,
                                                  const std::string& holder);
  // The holder's offer exists and lives until `until` (its expiry).
  common::Status Hold(const std::string& subject, const std::string& holder, int64_t until);
  // The holder's offer ended (completed or failed) inside the caller's
  // transaction: the next offer may be created at once. `refund` gives its
  // count back too (the offer was never created). No-op for a former holder.
  static common::Status Release(common::Connection& conn, const std::string& subject,
                                const std::string& holder, bool refund);
  common::Status Release(const std::string& subject, const std::string& holder, bool refund);
  // A code that does not know its holder (an OpenID4VCI offer) was used: the
  // gate is released whoever holds it. Safe because a new holder only comes
  // after every code of the last one expired (live_until covers them all).
  static common::Status ReleaseAny(common::Connection& conn, const std::string& subject);
  // Retention: deletes gates that hold nothing and whose window (at most
  // kMaxWindowSeconds) is over at `now`; returns how many.
  static common::Result<int64_t> Prune(common::Connection& conn, int64_t now);
  static constexpr int64_t kMaxWindowSeconds = 30 * 86400;

  const OfferLimits& limits() const { return limits_; }

 private:
  common::Database& db_;
  const common::Clock& clock_;
  OfferLimits limits_;
};

}  // namespace vc::issuer
