#include "issuer/audit_log.h"

#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/store/store_await.h"

namespace vc::issuer {
using common::Connection;
using common::Result;
using common::Status;

namespace {

const std::string kGenesis(64, '0');

std::string ChainHash(const std::string& prev, const std::string& canonical) {
  return common::HexEncode(common::Sha256(prev + "\n" + canonical));
}

bool ParseEntry(const std::string& json, AuditEntry* e) {
  auto doc = common::ParseJsonObject(json);
  if (!doc) return false;
  auto s = [&](const char* k) { return std::string(common::GetString(*doc, k).value_or("")); };
  e->seq = common::GetInt64(*doc, "seq").value_or(-1);
  e->at = common::GetInt64(*doc, "at").value_or(-1);
  e->caller = s("caller");
  e->subject = s("subject");
  e->action = s("action");
  e->outcome = s("outcome");
  e->provider = s("provider");
  e->reference = s("reference");
  e->mscv = s("mscv");
  e->detail = s("detail");
  return true;
}

// `for_update` while appending: concurrent appenders (other instances) wait
// for this transaction and then chain onto its entry, so the chain never forks.
Result<std::pair<int64_t, std::string>> Head(Connection& conn, bool for_update = false) {
  auto q = for_update ? conn.Cached("SELECT seq, hash FROM audit_head WHERE id = 1" +
                                    std::string(conn.ForUpdate()))
                      : conn.Cached("SELECT seq, hash FROM audit_head WHERE id = 1");
  if (!q) return q.error();
  auto row = q->Step();
  if (!row) return row.error();
  if (!*row) return std::pair<int64_t, std::string>{0, kGenesis};
  return std::pair<int64_t, std::string>{q->ColumnInt64(0), q->ColumnText(1)};
}

}  // namespace

std::string AuditLog::Canonical(const AuditEntry& e) {
  common::JsonWriter w;
  w->StartObject();
  w.Member("seq", e.seq);
  w.Member("at", e.at);
  const std::pair<const char*, const std::string*> fields[] = {
      {"caller", &e.caller},   {"subject", &e.subject},   {"action", &e.action},
      {"outcome", &e.outcome}, {"provider", &e.provider}, {"reference", &e.reference},
      {"mscv", &e.mscv},       {"detail", &e.detail}};
  for (const auto& [key, value] : fields) {
    w->Key(key);
    w->String(*value);
  }
  w->EndObject();
  return w.str();
}

Result<int64_t> AuditLog::Append(Connection& conn, AuditEntry e, int64_t now) {
  auto head = Head(conn, true);
  if (!head) return head.error();
  e.seq = head->first + 1;
  e.at = now;
  const std::string canonical = Canonical(e);
  const std::string hash = ChainHash(head->second, canonical);
  auto ins =
      conn.Cached("INSERT INTO audit_log(seq, at, entry, prev_hash, hash) VALUES(?,?,?,?,?)");
  if (!ins) return ins.error();
  Status st = ins->BindInt64(1, e.seq)
                  .BindInt64(2, e.at)
                  .BindText(3, canonical)
                  .BindText(4, head->second)
                  .BindText(5, hash)
                  .Run();
  if (!st) return st.error();
  auto up = conn.Cached(
      "INSERT INTO audit_head(id, seq, hash) VALUES(1, ?, ?) "
      "ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash");
  if (!up) return up.error();
  st = up->BindInt64(1, e.seq).BindText(2, hash).Run();
  if (!st) return st.error();
  return e.seq;
}

common::Database::Work AuditLog::AppendWork(const AuditEntry& entry, int64_t* seq) const {
  return [this, &entry, seq](Connection& conn) {
    auto r = Append(conn, entry, clock_.NowSeconds());
    if (!r) return Status(r.error());
    *seq = *r;
    return Status::Ok();
  };
}

Result<int64_t> AuditLog::Append(AuditEntry entry) {
  int64_t seq = 0;
  Status st = db_.Transaction(AppendWork(entry, &seq));
  if (!st) return st.error();
  return seq;
}

common::Task<Result<int64_t>> AuditLog::AppendTask(AuditEntry entry) {
  int64_t seq = 0;
  // The frame outlives the commit: the work may refer to its locals.
  Status st = co_await common::AwaitCommit(db_, AppendWork(entry, &seq));
  if (!st) co_return st.error();
  co_return seq;
}

Result<std::vector<AuditEntry>> AuditLog::List(int64_t after_seq, int limit) const {
  std::vector<AuditEntry> out;
  Status st = db_.Read([&](Connection& conn) {
    auto q = conn.Cached("SELECT entry FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?");
    if (!q) return Status(q.error());
    q->BindInt64(1, after_seq).BindInt64(2, limit);
    for (;;) {
      auto row = q->Step();
      if (!row) return Status(row.error());
      if (!*row) return Status::Ok();
      AuditEntry e;
      if (ParseEntry(q->ColumnText(0), &e)) out.push_back(std::move(e));
    }
  });
  if (!st) return st.error();
  return out;
}

Result<AuditVerifyReport> AuditLog::Verify(common::Database& db) {
  AuditVerifyReport report;
  auto fail = [&](int64_t seq, std::string problem) {
    report.ok = false;
    report.bad_seq = seq;
    report.problem = std::move(problem);
    return Status::Ok();
  };
  Status st = db.Read([&](Connection& conn) {
    auto q = conn.Prepare("SELECT seq, at, entry, prev_hash, hash FROM audit_log ORDER BY seq");
    if (!q) return Status(q.error());
    std::string prev = kGenesis;
    int64_t expected = 1;
    for (;; ++expected) {
      auto row = q->Step();
      if (!row) return Status(row.error());
      if (!*row) break;
      const int64_t seq = q->ColumnInt64(0);
      const std::string entry = q->ColumnText(2);
      AuditEntry e;
      if (seq != expected)
        return fail(expected, "entry missing (next present is " + std::to_string(seq) + ")");
      if (q->ColumnText(3) != prev) return fail(seq, "prev_hash does not match the entry before");
      if (!ParseEntry(entry, &e) || e.seq != seq || e.at != q->ColumnInt64(1) ||
          Canonical(e) != entry || ChainHash(prev, entry) != q->ColumnText(4)) {
        return fail(seq, "entry content does not match its hash");
      }
      prev = q->ColumnText(4);
      report.entries = seq;
    }
    auto head = Head(conn);
    if (!head) return Status(head.error());
    if (head->first != report.entries || head->second != prev) {
      return fail(report.entries + 1, "the chain ends before the recorded head (entries removed)");
    }
    return Status::Ok();
  });
  if (!st) return st.error();
  return report;
}

std::string AuditLog::ToJson(const std::vector<AuditEntry>& entries) {
  std::string out = "{\"entries\":[";
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i) out += ",";
    out += Canonical(entries[i]);  // each is already valid JSON written by JsonWriter
  }
  return out + "]}";
}

}  // namespace vc::issuer
