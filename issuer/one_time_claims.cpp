#include "issuer/one_time_claims.h"

#include <cstdint>
#include <cstring>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/base/crypto.h"

namespace vc::issuer {
using common::Connection;
using common::Engine;
using common::Error;
using common::Result;
using common::Status;

namespace {

// 128 bits of SHA-256 over (scope, key): a fixed 16 bytes per claim in memory
// whatever the key's length, and no collision in any realistic number of claims.
struct Digest {
  uint64_t hi = 0, lo = 0;
  bool operator==(const Digest&) const = default;
};
struct DigestHash {
  size_t operator()(const Digest& d) const { return d.lo; }  // already uniform
};

Digest DigestOf(std::string_view scope, std::string_view key) {
  const auto sha = common::Sha256Of({scope, std::string_view("\0", 1), key});
  Digest d;
  std::memcpy(&d.hi, sha.data(), 8);
  std::memcpy(&d.lo, sha.data() + 8, 8);
  return d;
}

// SQLite only: the unique index, attached to the writer connection (once
// loaded whole), so only the writer thread touches it.
struct ClaimIndex {
  std::unordered_map<Digest, int64_t, DigestHash> expires_at;
};

}  // namespace

Status PrepareOneTimeClaims(common::Database& db) {
  if (db.engine() != Engine::kSqlite) return Status::Ok();
  if (Status held = db.HoldExclusively(); !held) return held;
  return db.Transaction([](Connection& conn) -> Status {
    if (conn.FindAttached<ClaimIndex>() != nullptr) return Status::Ok();
    ClaimIndex index;
    auto count = conn.Prepare("SELECT COUNT(*) FROM one_time_claims");
    if (!count) return count.error();
    if (auto row = count->Step(); !row) return row.error();
    // Twice what is stored: no rehash while loading, nor for the first claims after.
    index.expires_at.reserve(static_cast<size_t>(count->ColumnInt64(0)) * 2 + 4096);
    auto rows = conn.Prepare("SELECT scope, key, expires_at FROM one_time_claims");
    if (!rows) return rows.error();
    while (true) {
      auto row = rows->Step();
      if (!row) return row.error();
      if (!*row) break;
      index.expires_at.emplace(DigestOf(rows->ColumnText(0), rows->ColumnText(1)),
                               rows->ColumnInt64(2));
    }
    conn.Attached<ClaimIndex>() = std::move(index);
    return Status::Ok();
  });
}

Result<bool> ClaimOnce(Connection& conn, const OneTimeClaim& claim) {
  if (conn.engine() == Engine::kSqlite) {
    ClaimIndex* index = conn.FindAttached<ClaimIndex>();
    if (index == nullptr) {
      return Error{"db_error", "the one-time claims are not ready: PrepareOneTimeClaims first"};
    }
    const Digest digest = DigestOf(claim.scope, claim.key);
    if (!index->expires_at.emplace(digest, claim.expires_at).second) return false;
    conn.OnRollback([index, digest] { index->expires_at.erase(digest); });
  }
  // PostgreSQL: the primary key decides here.
  auto row = conn.Cached(
      "INSERT INTO one_time_claims(scope, key, expires_at, claimed_at, session_id) "
      "VALUES(?, ?, ?, ?, ?)");
  if (!row) return row.error();
  if (Status r = row->BindText(1, claim.scope)
                     .BindText(2, claim.key)
                     .BindInt64(3, claim.expires_at)
                     .BindInt64(4, claim.claimed_at)
                     .BindText(5, claim.session_id)
                     .Run();
      !r) {
    if (common::IsUniqueViolation(r.error())) return false;
    return r.error();
  }
  return true;
}

Result<int64_t> PruneOneTimeClaims(Connection& conn, int64_t before) {
  auto rows = conn.Cached("DELETE FROM one_time_claims WHERE expires_at < ?");
  if (!rows) return rows.error();
  if (Status r = rows->BindInt64(1, before).Run(); !r) return r.error();
  const int64_t removed = conn.Changes();
  // On SQLite, the claims leave the index too; back if the prune rolls back.
  if (ClaimIndex* index = conn.FindAttached<ClaimIndex>(); index != nullptr) {
    std::vector<std::pair<Digest, int64_t>> erased;
    std::erase_if(index->expires_at, [&](const auto& entry) {
      if (entry.second >= before) return false;
      erased.push_back(entry);
      return true;
    });
    conn.OnRollback([index, erased = std::move(erased)] {
      index->expires_at.insert(erased.begin(), erased.end());
    });
  }
  return removed;
}

}  // namespace vc::issuer
