#include "issuer/identity_records.h"

#include "common/base/json.h"
#include "common/base/log.h"

namespace vc::issuer {
using common::Connection;
using common::Error;
using common::Result;
using common::Status;

namespace {

std::string Aad(const std::string& owner, const std::string& name) {
  return "identity:" + owner + "/" + name;
}

}  // namespace

Result<std::optional<IdentityRecord>> IdentityStore::Get(Connection& conn, const std::string& owner,
                                                         const std::string& name,
                                                         bool for_update) const {
  auto q = conn.Cached(
      "SELECT real_name, id_card_type, id_number_enc, verified, verified_at, provider, reference, "
      "claims, updated_at FROM identity_records WHERE owner = ? AND name = ?" +
      std::string(for_update ? conn.ForUpdate() : ""));
  if (!q) return q.error();
  q->BindText(1, owner).BindText(2, name);
  auto row = q->Step();
  if (!row) return row.error();
  if (!*row) return std::optional<IdentityRecord>{};
  IdentityRecord r;
  r.owner = owner;
  r.name = name;
  r.identity.real_name = q->ColumnText(0);
  r.identity.id_card_type = q->ColumnText(1);
  auto number = crypto_.Decrypt(q->ColumnBlob(2), Aad(owner, name));
  if (!number) return number.error();
  r.identity.id_card_number = std::move(*number);
  r.verified = q->ColumnInt64(3) != 0;
  r.verified_at = q->ColumnInt64(4);
  r.provider = q->ColumnText(5);
  r.reference = q->ColumnText(6);
  r.claims_json = q->ColumnText(7);
  r.updated_at = q->ColumnInt64(8);
  return std::optional<IdentityRecord>(std::move(r));
}

Status IdentityStore::SaveClaimed(Connection& conn, const std::string& owner,
                                  const std::string& name, const ClaimedIdentity& c,
                                  int64_t now) const {
  auto existing = Get(conn, owner, name);
  if (!existing) return existing.error();
  if (existing->has_value() && (*existing)->verified) {
    const auto& old = (*existing)->identity;
    if (old.real_name == c.real_name && old.id_card_type == c.id_card_type &&
        old.id_card_number == c.id_card_number) {
      return Status::Ok();
    }
    return Error{"identity_locked", "the identity is verified and its fields are locked"};
  }
  auto sealed = crypto_.Encrypt(c.id_card_number, Aad(owner, name));
  if (!sealed) return sealed.error();
  // Only an unverified record changes: another instance may have verified it
  // since it was read above.
  auto up = conn.Cached(
      "INSERT INTO identity_records(owner, name, real_name, id_card_type, id_number_enc, "
      "id_number_hmac, updated_at) VALUES(?, ?, ?, ?, ?, ?, ?) ON CONFLICT(owner, name) DO UPDATE "
      "SET real_name = excluded.real_name, id_card_type = excluded.id_card_type, "
      "id_number_enc = excluded.id_number_enc, id_number_hmac = excluded.id_number_hmac, "
      "updated_at = excluded.updated_at WHERE identity_records.verified = 0");
  if (!up) return up.error();
  Status st = up->BindText(1, owner)
                  .BindText(2, name)
                  .BindText(3, c.real_name)
                  .BindText(4, c.id_card_type)
                  .BindBlob(5, *sealed)
                  .BindText(6, crypto_.LookupHmac(c.id_card_number))
                  .BindInt64(7, now)
                  .Run();
  if (!st || conn.Changes() == 1) return st;
  return SaveClaimed(conn, owner, name, c, now);  // verified meanwhile: the lock decides
}

Status IdentityStore::MarkVerified(Connection& conn, const std::string& owner,
                                   const std::string& name, const ClaimedIdentity& checked,
                                   const std::string& provider, const std::string& reference,
                                   const std::string& claims_json, int64_t now) const {
  auto sealed = crypto_.Encrypt(checked.id_card_number, Aad(owner, name));
  if (!sealed) return sealed.error();
  auto up = conn.Cached(
      "UPDATE identity_records SET verified = 1, verified_at = ?, provider = ?, reference = ?, "
      "claims = ?, updated_at = ?, real_name = ?, id_card_type = ?, id_number_enc = ?, "
      "id_number_hmac = ? WHERE owner = ? AND name = ?");
  if (!up) return up.error();
  Status st = up->BindInt64(1, now)
                  .BindText(2, provider)
                  .BindText(3, reference)
                  .BindText(4, claims_json)
                  .BindInt64(5, now)
                  .BindText(6, checked.real_name)
                  .BindText(7, checked.id_card_type)
                  .BindBlob(8, *sealed)
                  .BindText(9, crypto_.LookupHmac(checked.id_card_number))
                  .BindText(10, owner)
                  .BindText(11, name)
                  .Run();
  if (!st) return st;
  if (conn.Changes() != 1) return Error{"identity_not_found", "no identity record to verify"};
  return Status::Ok();
}

Status IdentityStore::Reset(Connection& conn, const std::string& owner, const std::string& name,
                            int64_t now) const {
  auto up = conn.Cached(
      "UPDATE identity_records SET verified = 0, verified_at = 0, updated_at = ? "
      "WHERE owner = ? AND name = ?");
  if (!up) return up.error();
  Status st = up->BindInt64(1, now).BindText(2, owner).BindText(3, name).Run();
  if (!st) return st;
  if (conn.Changes() != 1) return Error{"identity_not_found", "no identity record"};
  return Status::Ok();
}

Result<int64_t> IdentityStore::PruneUnverified(Connection& conn, int64_t before) {
  auto del = conn.Cached(
      "DELETE FROM identity_records WHERE verified = 0 AND updated_at < ? AND NOT EXISTS "
      "(SELECT 1 FROM proofing_attempts a WHERE a.owner = identity_records.owner AND "
      "a.name = identity_records.name AND a.outcome = 'pending')");
  if (!del) return del.error();
  if (Status run = del->BindInt64(1, before).Run(); !run) return run.error();
  return conn.Changes();
}

std::string IdentityToJson(const IdentityRecord& r) {
  common::JsonWriter w;
  w->StartObject();
  auto str = [&](const char* k, const std::string& v) {
    w->Key(k);
    w->String(v);
  };
  str("owner", r.owner);
  str("name", r.name);
  str("realName", r.identity.real_name);
  str("idCardType", r.identity.id_card_type);
  str("idCard", common::MaskTail(r.identity.id_card_number));
  w.Member("isVerified", r.verified);
  w.Member("verifiedAt", r.verified_at);
  str("provider", r.provider);
  w->EndObject();
  return w.str();
}

}  // namespace vc::issuer
