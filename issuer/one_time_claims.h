// One-time keys (a jumpstart's RequestId, an Auth0 token's digest), claimed in
// the same write as the session they open: table one_time_claims, which
// sessions.cpp migrates.
//
// PostgreSQL: the table's primary key refuses a second claim, for every
// instance that shares the database.
//
// SQLite: one process owns the file (Database::HoldExclusively), so the
// unique index lives in its writer's memory: 128-bit digests of (scope, key),
// attached to the writer connection and loaded from one_time_claims at start.
// one_time_claims itself has no key and grows at its end. Keyed on disk by the
// relying party's random RequestId, it put one random B-tree leaf in every
// commit's WAL, copied into a random place of the file again at each
// checkpoint: a third of the writer's I/O (bench/results/profile.md, issue 15).
// The index follows the transaction (Connection::OnRollback): a claim whose
// work or commit fails is gone from memory as from the table.
#pragma once

#include <cstdint>
#include <string>

#include "common/base/result.h"
#include "common/store/store.h"

namespace vc::issuer {

struct OneTimeClaim {
  std::string scope;       // jumpstart: "jumpstart:<org>"; Auth0: the issuer
  std::string key;         // unique within the scope
  int64_t expires_at = 0;  // when the token itself expires
  int64_t claimed_at = 0;
  std::string session_id;  // the session the claim opened
};

// After the migrations, before the first claim: on SQLite, holds the database
// for this process ("database_in_use" if another holds it) and loads the
// index. Idempotent. Nothing to do on PostgreSQL.
common::Status PrepareOneTimeClaims(common::Database& db);

// Inside a write work: true when `claim` was recorded, false when its
// (scope, key) was claimed before.
common::Result<bool> ClaimOnce(common::Connection& conn, const OneTimeClaim& claim);

// Inside a write work: deletes the claims that expired before `before`.
// Returns how many.
common::Result<int64_t> PruneOneTimeClaims(common::Connection& conn, int64_t before);

}  // namespace vc::issuer
