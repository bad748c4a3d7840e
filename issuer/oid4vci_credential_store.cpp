// Issued SD-JWT VCs and their Token Status List slots (see oid4vci_store.h).
#include <cstring>

#include "common/base/crypto.h"
#include "issuer/oid4vci_store.h"

namespace vc::issuer {
using common::Connection;
using common::Error;
using common::Result;
using common::Status;

namespace {

// A refusal inside IssueCredential: rolls the transaction back.
const Error kRefused{"refused", "refused"};

// A uniformly random index below `size` (rejection sampling).
int64_t RandomIndex(int64_t size) {
  const uint64_t limit = UINT64_MAX - UINT64_MAX % static_cast<uint64_t>(size);
  for (;;) {
    uint64_t v = 0;
    const std::string bytes = common::RandomBytes(sizeof v);
    std::memcpy(&v, bytes.data(), sizeof v);
    if (v < limit) return static_cast<int64_t>(v % static_cast<uint64_t>(size));
  }
}

// The list to allocate from: the newest one under half full (so a random free
// index is found in a few tries and the list's fill says little), else a new one.
// Its row stays locked until the commit (ForUpdate): allocations of several
// instances from one list take turns, so two never pick the same free index.
Result<std::pair<std::string, int64_t>> CurrentList(Connection& c, int64_t list_size, int64_t now) {
  auto q = c.Cached(
      "SELECT id, size FROM oid4vci_status_lists WHERE used * 2 < size "
      "ORDER BY created_at DESC, rowid DESC LIMIT 1" +
      std::string(c.ForUpdate()));
  if (!q) return q.error();
  auto row = q->Step();
  if (!row) return row.error();
  if (*row) return std::make_pair(q->ColumnText(0), q->ColumnInt64(1));
  const std::string id = common::RandomId(12);
  auto ins = c.Cached(
      "INSERT INTO oid4vci_status_lists(id, size, used, created_at) "
      "VALUES(?, ?, 0, ?)");
  if (!ins) return ins.error();
  if (Status s = ins->BindText(1, id).BindInt64(2, list_size).BindInt64(3, now).Run(); !s)
    return s.error();
  return std::make_pair(id, list_size);
}

Result<StatusSlot> AllocateSlot(Connection& c, int64_t list_size, int64_t now) {
  auto list = CurrentList(c, list_size, now);
  if (!list) return list.error();
  auto taken = c.Cached("SELECT 1 FROM oid4vci_credentials WHERE list_id = ? AND list_index = ?");
  if (!taken) return taken.error();
  for (int attempt = 0; attempt < 64; ++attempt) {
    const int64_t index = RandomIndex(list->second);
    taken->Reset();
    auto row = taken->BindText(1, list->first).BindInt64(2, index).Step();
    if (!row) return row.error();
    if (*row) continue;
    auto used = c.Cached("UPDATE oid4vci_status_lists SET used = used + 1 WHERE id = ?");
    if (!used) return used.error();
    if (Status s = used->BindText(1, list->first).Run(); !s) return s.error();
    return StatusSlot{list->first, index};
  }
  return Error{"db_error", "no free status list index found"};
}

Status InsertCredential(Connection& c, const IssuedCredential& r) {
  auto ins = c.Cached(
      "INSERT INTO oid4vci_credentials(id, offer_id, subject, contract_id, index_hash, list_id, "
      "list_index, issued_at, expires_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!ins) return ins.error();
  return ins->BindText(1, r.id)
      .BindText(2, r.offer_id)
      .BindText(3, r.subject)
      .BindText(4, r.contract_id)
      .BindText(5, r.index_hash)
      .BindText(6, r.slot.list_id)
      .BindInt64(7, r.slot.index)
      .BindInt64(8, r.issued_at)
      .BindInt64(9, r.expires_at)
      .Run();
}

Result<bool> ConsumeNonce(Connection& c, const std::string& nonce, int64_t now) {
  auto del = c.Cached("DELETE FROM oid4vci_nonces WHERE nonce = ? AND expiry >= ?");
  if (!del) return del.error();
  if (Status s = del->BindText(1, nonce).BindInt64(2, now).Run(); !s) return s.error();
  return c.Changes() == 1;
}

}  // namespace

Result<Oid4vciStore::IssueOutcome> Oid4vciStore::IssueCredential(
    const std::string& token_hash, const std::string& nonce, int64_t list_size,
    IssuedCredential record, const Mint& mint, std::string* out) {
  const int64_t now = clock_.NowSeconds();
  IssueOutcome outcome = IssueOutcome::kIssued;
  Status st = db_.Transaction([&](Connection& c) -> Status {
    auto offer = FindIn(c, "WHERE token_hash = ?" + std::string(c.ForUpdate()), token_hash);
    if (!offer) return offer.error();
    if (!*offer || (*offer)->status != OfferStatus::kTokenIssued || now > (*offer)->token_expiry) {
      outcome = IssueOutcome::kBadToken;
      return kRefused;
    }
    auto fresh = ConsumeNonce(c, nonce, now);
    if (!fresh) return fresh.error();
    if (!*fresh) {
      outcome = IssueOutcome::kBadNonce;
      return kRefused;
    }
    auto slot = AllocateSlot(c, list_size, now);
    if (!slot) return slot.error();
    auto minted = mint(c, **offer, *slot);
    if (!minted) return minted.error();
    record.offer_id = (*offer)->id;
    record.subject = (*offer)->subject;
    record.contract_id = (*offer)->contract_id;
    record.slot = *slot;
    if (Status s = InsertCredential(c, record); !s) return s;
    auto up = c.Cached(
        "UPDATE oid4vci_offers SET status = 'credential_issued', claims_json = '{}', "
        "tx_code = '', credential_id = ?, updated_at = ? WHERE id = ? AND status = 'token_issued'");
    if (!up) return up.error();
    if (Status s = up->BindText(1, record.id).BindInt64(2, now).BindText(3, record.offer_id).Run();
        !s)
      return s;
    if (c.Changes() != 1) {
      outcome = IssueOutcome::kBadToken;
      return kRefused;
    }
    *out = std::move(*minted);
    return {};
  });
  if (!st && outcome == IssueOutcome::kIssued) return st.error();
  return outcome;
}

Result<std::optional<Oid4vciStore::ListState>> Oid4vciStore::StatusList(
    const std::string& list_id) const {
  std::optional<ListState> found;
  Status st = db_.Read([&](Connection& c) -> Status {
    auto q = c.Cached("SELECT size FROM oid4vci_status_lists WHERE id = ?");
    if (!q) return q.error();
    auto row = q->BindText(1, list_id).Step();
    if (!row) return row.error();
    if (!*row) return {};
    ListState state;
    state.size = q->ColumnInt64(0);
    auto r =
        c.Cached("SELECT list_index FROM oid4vci_credentials WHERE list_id = ? AND revoked = 1");
    if (!r) return r.error();
    r->BindText(1, list_id);
    for (;;) {
      auto next = r->Step();
      if (!next) return next.error();
      if (!*next) break;
      state.revoked.push_back(r->ColumnInt64(0));
    }
    found = std::move(state);
    return {};
  });
  if (!st) return st.error();
  return found;
}

Result<int64_t> Oid4vciStore::Revoke(Connection& c, const char* column, const std::string& value) {
  const std::string col(column);
  if (col != "id" && col != "index_hash" && col != "subject")
    return Error{"db_error", "cannot revoke by " + col};
  auto count = c.Prepare("SELECT COUNT(*) FROM oid4vci_credentials WHERE " + col + " = ? AND " +
                         col + " != ''");
  if (!count) return count.error();
  auto row = count->BindText(1, value).Step();
  if (!row) return row.error();
  const int64_t n = *row ? count->ColumnInt64(0) : 0;
  auto up = c.Prepare("UPDATE oid4vci_credentials SET revoked = 1 WHERE " + col + " = ? AND " +
                      col + " != ''");
  if (!up) return up.error();
  if (Status s = up->BindText(1, value).Run(); !s) return s.error();
  return n;
}

}  // namespace vc::issuer
