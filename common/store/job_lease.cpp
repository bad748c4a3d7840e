#include "common/store/job_lease.h"

#include "common/store/migrations.h"

namespace vc::common {

Status MigrateJobLeases(Database& db) {
  static const std::vector<Migration> kMigrations = {
      {1, "create_job_leases",
       "CREATE TABLE job_leases(job TEXT PRIMARY KEY, holder TEXT NOT NULL,"
       " until_ms INTEGER NOT NULL)",
       "CREATE TABLE job_leases(job TEXT PRIMARY KEY, holder TEXT NOT NULL,"
       " until_ms BIGINT NOT NULL)"},
  };
  return ApplyMigrations(db, "job_leases", kMigrations);
}

// One statement: the upsert only changes the row when the lease is free,
// expired or already ours; a concurrent taker (another instance) waits for the
// row and then finds it held.
Result<bool> TryLease(Database& db, std::string_view job, std::string_view holder, int64_t ttl_ms,
                      int64_t now_ms) {
  bool held = false;
  Status s = db.Transaction([&](Connection& c) -> Status {
    auto st = c.Cached(
        "INSERT INTO job_leases(job, holder, until_ms) VALUES(?1, ?2, ?3) ON CONFLICT(job) DO "
        "UPDATE SET holder = excluded.holder, until_ms = excluded.until_ms "
        "WHERE job_leases.until_ms <= ?4 OR job_leases.holder = excluded.holder");
    if (!st) return st.error();
    Status run = st->BindText(1, job)
                     .BindText(2, holder)
                     .BindInt64(3, now_ms + ttl_ms)
                     .BindInt64(4, now_ms)
                     .Run();
    held = run.ok() && c.Changes() == 1;
    return run;
  });
  if (!s) return s.error();
  return held;
}

Status ReleaseLease(Database& db, std::string_view job, std::string_view holder) {
  return db.Transaction([&](Connection& c) -> Status {
    auto st = c.Cached("UPDATE job_leases SET until_ms = 0 WHERE job = ? AND holder = ?");
    if (!st) return st.error();
    return st->BindText(1, job).BindText(2, holder).Run();
  });
}

}  // namespace vc::common
