// Offers, pre-authorized codes and nonces; credentials and status lists are in
// oid4vci_credential_store.cpp.
#include "issuer/oid4vci_store.h"

#include <array>

#include "common/base/crypto.h"
#include "common/store/migrations.h"

namespace vc::issuer {
using common::Connection;
using common::Result;
using common::Status;

namespace {

const std::vector<common::Migration>& Migrations() {
  static const std::vector<common::Migration> kMigrations = {
      {1, "create_oid4vci_offers", R"sql(
        CREATE TABLE oid4vci_offers (
          id TEXT PRIMARY KEY,
          session_id TEXT NOT NULL,
          subject TEXT NOT NULL,
          contract_id TEXT NOT NULL,
          claims_json TEXT NOT NULL,
          pre_authorized_code TEXT NOT NULL UNIQUE,
          tx_code TEXT NOT NULL,
          tx_failures INTEGER NOT NULL DEFAULT 0,
          status TEXT NOT NULL,
          expiry INTEGER NOT NULL,
          token_hash TEXT UNIQUE,
          token_expiry INTEGER NOT NULL DEFAULT 0,
          credential_id TEXT NOT NULL DEFAULT '',
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE INDEX oid4vci_offers_session ON oid4vci_offers(session_id, created_at);
        CREATE TABLE oid4vci_nonces (
          nonce TEXT PRIMARY KEY,
          expiry INTEGER NOT NULL
        );
        CREATE INDEX oid4vci_nonces_expiry ON oid4vci_nonces(expiry);
      )sql",
       // PostgreSQL: BIGINT, and `rowid` where queries break ties by insertion order.
       R"sql(
        CREATE TABLE oid4vci_offers (
          rowid BIGINT GENERATED ALWAYS AS IDENTITY,
          id TEXT PRIMARY KEY,
          session_id TEXT NOT NULL,
          subject TEXT NOT NULL,
          contract_id TEXT NOT NULL,
          claims_json TEXT NOT NULL,
          pre_authorized_code TEXT NOT NULL UNIQUE,
          tx_code TEXT NOT NULL,
          tx_failures BIGINT NOT NULL DEFAULT 0,
          status TEXT NOT NULL,
          expiry BIGINT NOT NULL,
          token_hash TEXT UNIQUE,
          token_expiry BIGINT NOT NULL DEFAULT 0,
          credential_id TEXT NOT NULL DEFAULT '',
          created_at BIGINT NOT NULL,
          updated_at BIGINT NOT NULL
        );
        CREATE INDEX oid4vci_offers_session ON oid4vci_offers(session_id, created_at);
        CREATE TABLE oid4vci_nonces (
          nonce TEXT PRIMARY KEY,
          expiry BIGINT NOT NULL
        );
        CREATE INDEX oid4vci_nonces_expiry ON oid4vci_nonces(expiry);
      )sql"},
      {2, "create_oid4vci_credentials", R"sql(
        CREATE TABLE oid4vci_status_lists (
          id TEXT PRIMARY KEY,
          size INTEGER NOT NULL,
          used INTEGER NOT NULL DEFAULT 0,
          created_at INTEGER NOT NULL
        );
        CREATE TABLE oid4vci_credentials (
          id TEXT PRIMARY KEY,
          offer_id TEXT NOT NULL,
          subject TEXT NOT NULL,
          contract_id TEXT NOT NULL,
          index_hash TEXT NOT NULL DEFAULT '',
          list_id TEXT NOT NULL REFERENCES oid4vci_status_lists(id),
          list_index INTEGER NOT NULL,
          revoked INTEGER NOT NULL DEFAULT 0,
          issued_at INTEGER NOT NULL,
          expires_at INTEGER NOT NULL,
          UNIQUE(list_id, list_index)
        );
        CREATE INDEX oid4vci_credentials_subject ON oid4vci_credentials(subject);
        CREATE INDEX oid4vci_credentials_index_hash ON oid4vci_credentials(index_hash);
      )sql",
       R"sql(
        CREATE TABLE oid4vci_status_lists (
          rowid BIGINT GENERATED ALWAYS AS IDENTITY,
          id TEXT PRIMARY KEY,
          size BIGINT NOT NULL,
          used BIGINT NOT NULL DEFAULT 0,
          created_at BIGINT NOT NULL
        );
        CREATE TABLE oid4vci_credentials (
          id TEXT PRIMARY KEY,
          offer_id TEXT NOT NULL,
          subject TEXT NOT NULL,
          contract_id TEXT NOT NULL,
          index_hash TEXT NOT NULL DEFAULT '',
          list_id TEXT NOT NULL REFERENCES oid4vci_status_lists(id),
          list_index BIGINT NOT NULL,
          revoked BIGINT NOT NULL DEFAULT 0,
          issued_at BIGINT NOT NULL,
          expires_at BIGINT NOT NULL,
          UNIQUE(list_id, list_index)
        );
        CREATE INDEX oid4vci_credentials_subject ON oid4vci_credentials(subject);
        CREATE INDEX oid4vci_credentials_index_hash ON oid4vci_credentials(index_hash);
      )sql"},
  };
  return kMigrations;
}

constexpr std::array<std::string_view, 4> kStatusNames = {"offer_created", "token_issued",
                                                          "credential_issued", "failed"};

OfferStatus ParseStatus(const std::string& s) {
  for (size_t i = 0; i < kStatusNames.size(); ++i) {
    if (kStatusNames[i] == s) return static_cast<OfferStatus>(i);
  }
  return OfferStatus::kFailed;
}

constexpr const char* kColumns =
    "SELECT id, session_id, subject, contract_id, claims_json, pre_authorized_code, tx_code, "
    "tx_failures, status, expiry, token_expiry, credential_id, created_at, updated_at "
    "FROM oid4vci_offers ";

Offer FromRow(const common::Statement& st) {
  Offer o;
  o.id = st.ColumnText(0);
  o.session_id = st.ColumnText(1);
  o.subject = st.ColumnText(2);
  o.contract_id = st.ColumnText(3);
  o.claims_json = st.ColumnText(4);
  o.pre_authorized_code = st.ColumnText(5);
  o.tx_code = st.ColumnText(6);
  o.tx_failures = static_cast<int>(st.ColumnInt64(7));
  o.status = ParseStatus(st.ColumnText(8));
  o.expiry = st.ColumnInt64(9);
  o.token_expiry = st.ColumnInt64(10);
  o.credential_id = st.ColumnText(11);
  o.created_at = st.ColumnInt64(12);
  o.updated_at = st.ColumnInt64(13);
  return o;
}

Result<std::optional<Offer>> QueryOne(Connection& c, const std::string& where,
                                      const std::string& arg) {
  auto q = c.Cached(kColumns + where);
  if (!q) return q.error();
  q->BindText(1, arg);
  auto row = q->Step();
  if (!row) return row.error();
  if (!*row) return std::optional<Offer>();
  return std::optional<Offer>(FromRow(*q));
}

// One wrong tx_code: counted; at the limit the offer dies (conditionally, so
// a concurrent redemption that already won is left alone).
Result<RedeemOutcome> CountFailure(
    Connection& c, const Offer& o, int max_failures, int64_t now,
    const std::function<Status(Connection&, const Offer&)>& on_dead) {
  auto up = c.Cached(
      "UPDATE oid4vci_offers SET tx_failures = tx_failures + 1, updated_at = ?, "
      "status = CASE WHEN tx_failures + 1 >= ? THEN 'failed' ELSE status END, "
      "tx_code = CASE WHEN tx_failures + 1 >= ? THEN '' ELSE tx_code END "
      "WHERE id = ? AND status = 'offer_created'");
  if (!up) return up.error();
  Status s = up->BindInt64(1, now)
                 .BindInt64(2, max_failures)
                 .BindInt64(3, max_failures)
                 .BindText(4, o.id)
                 .Run();
  if (!s) return s.error();
  if (o.tx_failures + 1 >= max_failures && on_dead) {
    if (Status d = on_dead(c, o); !d) return d.error();
  }
  return o.tx_failures + 1 >= max_failures ? RedeemOutcome::kDead : RedeemOutcome::kTxCodeWrong;
}

}  // namespace

std::string_view OfferStatusName(OfferStatus s) { return kStatusNames[static_cast<size_t>(s)]; }

Status Oid4vciStore::Migrate(common::Database& db) {
  return common::ApplyMigrations(db, "issuer_oid4vci", Migrations());
}

Status Oid4vciStore::InsertOffer(const Offer& o) {
  return db_.Transaction([&](Connection& c) {
    auto ins = c.Cached(
        "INSERT INTO oid4vci_offers(id, session_id, subject, contract_id, claims_json, "
        "pre_authorized_code, tx_code, status, expiry, created_at, updated_at) "
        "VALUES(?, ?, ?, ?, ?, ?, ?, 'offer_created', ?, ?, ?)");
    if (!ins) return Status(ins.error());
    return ins->BindText(1, o.id)
        .BindText(2, o.session_id)
        .BindText(3, o.subject)
        .BindText(4, o.contract_id)
        .BindText(5, o.claims_json)
        .BindText(6, o.pre_authorized_code)
        .BindText(7, o.tx_code)
        .BindInt64(8, o.expiry)
        .BindInt64(9, o.created_at)
        .BindInt64(10, o.created_at)
        .Run();
  });
}

Result<std::optional<Offer>> Oid4vciStore::Find(const std::string& where,
                                                const std::string& arg) const {
  std::optional<Offer> found;
  Status st = db_.Read([&](Connection& c) {
    auto r = QueryOne(c, where, arg);
    if (!r) return Status(r.error());
    found = std::move(*r);
    return Status::Ok();
  });
  if (!st) return st.error();
  return found;
}

Result<std::optional<Offer>> Oid4vciStore::FindIn(Connection& c, const std::string& where,
                                                  const std::string& arg) {
  return QueryOne(c, where, arg);
}

Result<std::optional<Offer>> Oid4vciStore::GetOffer(const std::string& id) const {
  return Find("WHERE id = ?", id);
}

Result<std::optional<Offer>> Oid4vciStore::LatestForSession(const std::string& session_id) const {
  return Find("WHERE session_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1", session_id);
}

Result<std::optional<Offer>> Oid4vciStore::OfferForToken(const std::string& token_hash) const {
  return Find("WHERE token_hash = ?", token_hash);
}

Result<RedeemOutcome> Oid4vciStore::Redeem(
    const std::string& code, const std::string& tx_code, const std::string& token_hash,
    int64_t token_expiry, int max_tx_failures,
    const std::function<Status(Connection&, const Offer&)>& on_dead) {
  const int64_t now = clock_.NowSeconds();
  RedeemOutcome outcome = RedeemOutcome::kUnknownCode;
  Status st = db_.Transaction([&](Connection& c) -> Status {
    // Locked while read: redemptions of one code on several instances queue.
    auto found = QueryOne(c, "WHERE pre_authorized_code = ?" + std::string(c.ForUpdate()), code);
    if (!found) return found.error();
    if (!*found) return {};
    const Offer& o = **found;
    if (o.status == OfferStatus::kFailed) {
      outcome = RedeemOutcome::kDead;
    } else if (o.status != OfferStatus::kCreated) {
      outcome = RedeemOutcome::kAlreadyUsed;
    } else if (now > o.expiry) {
      outcome = RedeemOutcome::kExpired;
    } else if (!o.tx_code.empty() && tx_code.empty()) {
      outcome = RedeemOutcome::kTxCodeMissing;
    } else if (o.tx_code.empty() && !tx_code.empty()) {
      outcome = RedeemOutcome::kTxCodeUnexpected;
    } else if (!common::ConstantTimeEquals(o.tx_code, tx_code)) {
      auto counted = CountFailure(c, o, max_tx_failures, now, on_dead);
      if (!counted) return counted.error();
      outcome = *counted;
    } else {
      auto up = c.Cached(
          "UPDATE oid4vci_offers SET status = 'token_issued', token_hash = ?, token_expiry = ?, "
          "updated_at = ? WHERE id = ? AND status = 'offer_created'");
      if (!up) return up.error();
      Status s = up->BindText(1, token_hash)
                     .BindInt64(2, token_expiry)
                     .BindInt64(3, now)
                     .BindText(4, o.id)
                     .Run();
      if (!s) return s;
      outcome = c.Changes() == 1 ? RedeemOutcome::kRedeemed : RedeemOutcome::kAlreadyUsed;
    }
    return {};
  });
  if (!st) return st.error();
  return outcome;
}

Status Oid4vciStore::InsertNonce(const std::string& nonce, int64_t expiry) {
  const int64_t now = clock_.NowSeconds();
  return db_.Transaction([&](Connection& c) {
    // Spent and expired nonces go as new ones come: the table stays small.
    auto prune = c.Cached("DELETE FROM oid4vci_nonces WHERE expiry < ?");
    if (!prune) return Status(prune.error());
    if (Status s = prune->BindInt64(1, now).Run(); !s) return s;
    auto ins = c.Cached("INSERT INTO oid4vci_nonces(nonce, expiry) VALUES(?, ?)");
    if (!ins) return Status(ins.error());
    return ins->BindText(1, nonce).BindInt64(2, expiry).Run();
  });
}

}  // namespace vc::issuer
