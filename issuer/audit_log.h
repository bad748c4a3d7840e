// The audit log: append-only and hash-chained. Each entry's hash is
//   SHA-256(prev_hash_hex || "\n" || canonical_entry_json)
// where the canonical JSON has a fixed member order (seq, at, caller, subject,
// action, outcome, provider, reference, mscv, detail) and the first entry's
// prev_hash is 64 zeros. The newest (seq, hash) is also kept in audit_head, so
// removing the last entries is caught as well as editing or removing any other.
// SQL UPDATE/DELETE on the table are refused by triggers; Verify() catches
// changes made to the file by other means. Entries never carry PII: subjects
// are record keys, details are reason codes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/base/clock.h"
#include "common/base/result.h"
#include "common/base/task.h"
#include "common/store/store.h"

namespace vc::issuer {

struct AuditEntry {
  int64_t seq = 0;      // assigned on append
  int64_t at = 0;       // assigned on append (seconds)
  std::string caller;   // "session:<id>", "apikey:<id>", "provider:<name>", "system"
  std::string subject;  // "<owner>/<name>" of the identity record
  std::string action;   // "proofing_start", "callback", "verdict", "lock", "reset", …
  std::string outcome;  // "ok", "verified", "refused", "unauthenticated", …
  std::string provider;
  std::string reference;  // provider reference or attempt id
  std::string mscv;
  std::string detail;  // a reason code or short non-PII note
};

struct AuditVerifyReport {
  int64_t entries = 0;
  bool ok = true;
  int64_t bad_seq = 0;  // the first entry at fault (0 when ok)
  std::string problem;  // what is wrong, for the operator
};

class AuditLog {
 public:
  AuditLog(common::Database& db, const common::Clock& clock) : db_(db), clock_(clock) {}

  // Appends inside the caller's transaction (so the entry commits with the
  // change it records). Returns the entry's seq.
  static common::Result<int64_t> Append(common::Connection& conn, AuditEntry entry, int64_t now);
  // Appends in a transaction of its own.
  common::Result<int64_t> Append(AuditEntry entry);
  // Append() for a coroutine: resumes once the entry is committed with its
  // batch, on the database's completion thread.
  common::Task<common::Result<int64_t>> AppendTask(AuditEntry entry);

  // Entries with seq > after_seq, oldest first, at most `limit`.
  common::Result<std::vector<AuditEntry>> List(int64_t after_seq, int limit) const;

  // Walks the whole chain. An error only when the database cannot be read.
  static common::Result<AuditVerifyReport> Verify(common::Database& db);

  // The canonical JSON of an entry (what is hashed).
  static std::string Canonical(const AuditEntry& e);
  // JSON for GET /api/audit: the entry plus its hash.
  static std::string ToJson(const std::vector<AuditEntry>& entries);

 private:
  // The work of Append(entry): sets *seq (safe to run again).
  common::Database::Work AppendWork(const AuditEntry& entry, int64_t* seq) const;
  common::Database& db_;
  const common::Clock& clock_;
};

}  // namespace vc::issuer
