#include "issuer/offer_gate.h"

#include "common/store/migrations.h"

namespace vc::issuer {
using common::Connection;
using common::Result;
using common::Status;

std::string OfferGate::MigrationSql(common::Engine engine) {
  const std::string sql = R"sql(
    CREATE TABLE issuer_offer_gates (
      subject TEXT PRIMARY KEY,
      holder TEXT NOT NULL,
      live_until INTEGER NOT NULL,
      window_start INTEGER NOT NULL,
      offers INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ))sql";
  if (engine == common::Engine::kPostgresql) return common::BigIntegers(sql) + ";\n";
  return sql + " WITHOUT ROWID;\n";
}

Result<std::optional<GateFailure>> OfferGate::Open(const std::string& subject,
                                                   const std::string& holder) {
  const int64_t now = clock_.NowSeconds();
  std::optional<GateFailure> refused;
  // Read and write in one transaction: two presses at once cannot both pass.
  // The gate's row exists before it is read, and is read for update, so that
  // a press on another instance waits for this one and then sees it.
  Status st = db_.Transaction([&](Connection& conn) -> Status {
    refused.reset();
    auto seed = conn.Cached(
        "INSERT INTO issuer_offer_gates(subject, holder, live_until, window_start, offers, "
        "updated_at) VALUES(?, '', 0, ?, 0, ?) ON CONFLICT(subject) DO NOTHING");
    if (!seed) return seed.error();
    if (Status s = seed->BindText(1, subject).BindInt64(2, now).BindInt64(3, now).Run(); !s) {
      return s;
    }
    auto q = conn.Cached(
        "SELECT holder, live_until, window_start, offers FROM issuer_offer_gates "
        "WHERE subject = ?" +
        std::string(conn.ForUpdate()));
    if (!q) return q.error();
    q->BindText(1, subject);
    auto row = q->Step();
    if (!row) return row.error();
    int64_t window_start = now, offers = 0;
    if (*row) {
      if (!q->ColumnText(0).empty() && q->ColumnInt64(1) >= now) {
        refused = GateFailure{GateRefusal::kLive, q->ColumnText(0), q->ColumnInt64(1) - now + 1};
        return Status::Ok();
      }
      window_start = q->ColumnInt64(2);
      offers = q->ColumnInt64(3);
    }
    if (now - window_start >= limits_.window_seconds) {
      window_start = now;
      offers = 0;
    }
    if (limits_.max_offers_per_record > 0 && offers >= limits_.max_offers_per_record) {
      refused = GateFailure{GateRefusal::kLimit, "", window_start + limits_.window_seconds - now};
      return Status::Ok();
    }
    auto up = conn.Cached(
        "INSERT INTO issuer_offer_gates(subject, holder, live_until, window_start, offers, "
        "updated_at) VALUES(?, ?, ?, ?, ?, ?) ON CONFLICT(subject) DO UPDATE SET "
        "holder = excluded.holder, live_until = excluded.live_until, "
        "window_start = excluded.window_start, offers = excluded.offers, "
        "updated_at = excluded.updated_at");
    if (!up) return up.error();
    return up->BindText(1, subject)
        .BindText(2, holder)
        .BindInt64(3, now + limits_.reservation_seconds)
        .BindInt64(4, window_start)
        .BindInt64(5, offers + 1)
        .BindInt64(6, now)
        .Run();
  });
  if (!st) return st.error();
  return refused;
}

Status OfferGate::Hold(const std::string& subject, const std::string& holder, int64_t until) {
  return db_.Transaction([&](Connection& conn) -> Status {
    auto up = conn.Cached(
        "UPDATE issuer_offer_gates SET live_until = ?, updated_at = ? "
        "WHERE subject = ? AND holder = ?");
    if (!up) return up.error();
    return up->BindInt64(1, until)
        .BindInt64(2, clock_.NowSeconds())
        .BindText(3, subject)
        .BindText(4, holder)
        .Run();
  });
}

Status OfferGate::Release(Connection& conn, const std::string& subject, const std::string& holder,
                          bool refund) {
  auto up = conn.Cached(
      "UPDATE issuer_offer_gates SET holder = '', live_until = 0, "
      "offers = CASE WHEN ? = 1 AND offers > 0 THEN offers - 1 ELSE offers END "
      "WHERE subject = ? AND holder = ?");
  if (!up) return up.error();
  return up->BindInt64(1, refund ? 1 : 0).BindText(2, subject).BindText(3, holder).Run();
}

Status OfferGate::ReleaseAny(Connection& conn, const std::string& subject) {
  auto up =
      conn.Cached("UPDATE issuer_offer_gates SET holder = '', live_until = 0 WHERE subject = ?");
  if (!up) return up.error();
  return up->BindText(1, subject).Run();
}

Status OfferGate::Release(const std::string& subject, const std::string& holder, bool refund) {
  return db_.Transaction([&](Connection& conn) { return Release(conn, subject, holder, refund); });
}

Result<int64_t> OfferGate::Prune(Connection& conn, int64_t now) {
  // A gate's window never outlasts its row: window_start is kept beside the
  // limit it was counted under, so a gate idle past the longest window is empty.
  auto del =
      conn.Cached("DELETE FROM issuer_offer_gates WHERE live_until < ? AND window_start <= ?");
  if (!del) return del.error();
  if (Status run = del->BindInt64(1, now).BindInt64(2, now - kMaxWindowSeconds).Run(); !run) {
    return run.error();
  }
  return conn.Changes();
}

}  // namespace vc::issuer
