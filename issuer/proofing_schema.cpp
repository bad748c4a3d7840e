// The schema of the proofing component (component "issuer_proofing"):
// attempts, identity records and the audit log.
#include "common/store/migrations.h"
#include "issuer/proofing_attempts.h"  // MigrateProofing

namespace vc::issuer {
namespace {

// The audit table refuses UPDATE and DELETE through SQL; the hash chain
// (audit_log.h) catches what is done to the file behind SQLite's back.
const std::vector<common::Migration>& Migrations() {
  static const std::vector<common::Migration> kMigrations = {
      {1, "create_attempts_identities_audit", R"sql(
        CREATE TABLE proofing_attempts (
          id TEXT PRIMARY KEY,
          session_id TEXT NOT NULL,
          owner TEXT NOT NULL,
          name TEXT NOT NULL,
          provider TEXT NOT NULL,
          reference TEXT NOT NULL DEFAULT '',
          outcome TEXT NOT NULL,
          reason TEXT NOT NULL DEFAULT '',
          redirect_url TEXT NOT NULL DEFAULT '',
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          last_event_ms INTEGER NOT NULL DEFAULT 0,
          last_event_id TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX proofing_attempts_session ON proofing_attempts(session_id, created_at);
        CREATE UNIQUE INDEX proofing_attempts_reference ON proofing_attempts(provider, reference)
          WHERE reference != '';
        CREATE TABLE identity_records (
          owner TEXT NOT NULL,
          name TEXT NOT NULL,
          real_name TEXT NOT NULL,
          id_card_type TEXT NOT NULL,
          id_number_enc BLOB NOT NULL,
          id_number_hmac TEXT NOT NULL,
          verified INTEGER NOT NULL DEFAULT 0,
          verified_at INTEGER NOT NULL DEFAULT 0,
          provider TEXT NOT NULL DEFAULT '',
          reference TEXT NOT NULL DEFAULT '',
          claims TEXT NOT NULL DEFAULT '{}',
          updated_at INTEGER NOT NULL,
          PRIMARY KEY (owner, name)
        ) WITHOUT ROWID;
        CREATE INDEX identity_records_lookup ON identity_records(id_number_hmac);
        CREATE TABLE audit_log (
          seq INTEGER PRIMARY KEY,
          at INTEGER NOT NULL,
          entry TEXT NOT NULL,
          prev_hash TEXT NOT NULL,
          hash TEXT NOT NULL
        );
        CREATE TABLE audit_head (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          seq INTEGER NOT NULL,
          hash TEXT NOT NULL
        );
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
          BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
          BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      )sql",
       // PostgreSQL: BIGINT for SQLite's 64-bit INTEGER, BYTEA for BLOB, a
       // `rowid` identity where queries break ties by insertion order (as
       // SQLite's implicit rowid does), and one trigger function.
       R"sql(
        CREATE TABLE proofing_attempts (
          rowid BIGINT GENERATED ALWAYS AS IDENTITY,
          id TEXT PRIMARY KEY,
          session_id TEXT NOT NULL,
          owner TEXT NOT NULL,
          name TEXT NOT NULL,
          provider TEXT NOT NULL,
          reference TEXT NOT NULL DEFAULT '',
          outcome TEXT NOT NULL,
          reason TEXT NOT NULL DEFAULT '',
          redirect_url TEXT NOT NULL DEFAULT '',
          created_at BIGINT NOT NULL,
          updated_at BIGINT NOT NULL,
          last_event_ms BIGINT NOT NULL DEFAULT 0,
          last_event_id TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX proofing_attempts_session ON proofing_attempts(session_id, created_at);
        CREATE UNIQUE INDEX proofing_attempts_reference ON proofing_attempts(provider, reference)
          WHERE reference != '';
        CREATE TABLE identity_records (
          owner TEXT NOT NULL,
          name TEXT NOT NULL,
          real_name TEXT NOT NULL,
          id_card_type TEXT NOT NULL,
          id_number_enc BYTEA NOT NULL,
          id_number_hmac TEXT NOT NULL,
          verified BIGINT NOT NULL DEFAULT 0,
          verified_at BIGINT NOT NULL DEFAULT 0,
          provider TEXT NOT NULL DEFAULT '',
          reference TEXT NOT NULL DEFAULT '',
          claims TEXT NOT NULL DEFAULT '{}',
          updated_at BIGINT NOT NULL,
          PRIMARY KEY (owner, name)
        );
        CREATE INDEX identity_records_lookup ON identity_records(id_number_hmac);
        CREATE TABLE audit_log (
          seq BIGINT PRIMARY KEY,
          at BIGINT NOT NULL,
          entry TEXT NOT NULL,
          prev_hash TEXT NOT NULL,
          hash TEXT NOT NULL
        );
        CREATE TABLE audit_head (
          id BIGINT PRIMARY KEY CHECK (id = 1),
          seq BIGINT NOT NULL,
          hash TEXT NOT NULL
        );
        CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
        CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
          FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
        CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
          FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
      )sql"},
      // What each check was given, frozen at its start (issue 21: what is
      // locked is what was checked), and the lookups of pending checks by
      // record and of old attempts by age.
      {2, "add_attempt_snapshot", R"sql(
        ALTER TABLE proofing_attempts ADD COLUMN claimed_name TEXT NOT NULL DEFAULT '';
        ALTER TABLE proofing_attempts ADD COLUMN claimed_type TEXT NOT NULL DEFAULT '';
        ALTER TABLE proofing_attempts ADD COLUMN claimed_number_enc BLOB NOT NULL DEFAULT x'';
        CREATE INDEX proofing_attempts_record ON proofing_attempts(owner, name, outcome);
        CREATE INDEX proofing_attempts_age ON proofing_attempts(outcome, updated_at);
      )sql",
       R"sql(
        ALTER TABLE proofing_attempts ADD COLUMN claimed_name TEXT NOT NULL DEFAULT '';
        ALTER TABLE proofing_attempts ADD COLUMN claimed_type TEXT NOT NULL DEFAULT '';
        ALTER TABLE proofing_attempts ADD COLUMN claimed_number_enc BYTEA NOT NULL DEFAULT '';
        CREATE INDEX proofing_attempts_record ON proofing_attempts(owner, name, outcome);
        CREATE INDEX proofing_attempts_age ON proofing_attempts(outcome, updated_at);
      )sql"},
      // The chain's head row exists from the start, so that concurrent first
      // appends (several instances) queue on it instead of racing to create it.
      {3, "seed_audit_head",
       "INSERT INTO audit_head(id, seq, hash) VALUES(1, 0, "
       "'0000000000000000000000000000000000000000000000000000000000000000') "
       "ON CONFLICT(id) DO NOTHING"},
      // Polling and deferred fetches are shared by instances: their state is
      // in the row, not in one process.
      {4, "add_proofing_attempts_polls",
       "ALTER TABLE proofing_attempts ADD COLUMN polls_done INTEGER NOT NULL DEFAULT 0;"
       "ALTER TABLE proofing_attempts ADD COLUMN fetch_caller TEXT NOT NULL DEFAULT '';",
       "ALTER TABLE proofing_attempts ADD COLUMN polls_done BIGINT NOT NULL DEFAULT 0;"
       "ALTER TABLE proofing_attempts ADD COLUMN fetch_caller TEXT NOT NULL DEFAULT '';"},
  };
  return kMigrations;
}

}  // namespace

common::Status MigrateProofing(common::Database& db) {
  return common::ApplyMigrations(db, "issuer_proofing", Migrations());
}

}  // namespace vc::issuer
