#include "issuer/sandbox_provider.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <stdexcept>

#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/base/log.h"
#include "common/base/text.h"
#include "common/store/migrations.h"

namespace vc::issuer {
using common::Error;
using common::Result;
using common::Status;

namespace {

// The documented test names (docs/proofing.md), compared case-insensitively.
ProofingOutcome OutcomeForName(const std::string& lower_name) {
  if (lower_name.find("reject") != std::string::npos) return ProofingOutcome::kRejected;
  if (lower_name.find("mismatch") != std::string::npos) return ProofingOutcome::kMismatch;
  if (lower_name.find("norecord") != std::string::npos) return ProofingOutcome::kNoRecord;
  if (lower_name.find("review") != std::string::npos) return ProofingOutcome::kNeedsReview;
  if (lower_name.find("expire") != std::string::npos) return ProofingOutcome::kExpired;
  return ProofingOutcome::kVerified;
}

bool AllOf(std::string_view s, size_t min, size_t max, int (*pred)(int)) {
  if (s.size() < min || s.size() > max) return false;
  return std::all_of(s.begin(), s.end(),
                     [&](char c) { return pred(static_cast<unsigned char>(c)) != 0; });
}

Error Invalid(std::string message) { return Error{"invalid_input", std::move(message)}; }

constexpr const char* kCallbackTable = "sandbox_callbacks";

std::vector<common::Migration> Migrations() {
  const std::string checks =
      "CREATE TABLE sandbox_checks(reference TEXT PRIMARY KEY, outcome TEXT NOT NULL,"
      " completed INTEGER NOT NULL DEFAULT 0, return_url TEXT NOT NULL,"
      " callback_url TEXT NOT NULL, created_at INTEGER NOT NULL);\n";
  using common::Engine;
  return {{1, "create_sandbox_checks",
           checks + common::OutboxTableSql(kCallbackTable, Engine::kSqlite) +
               common::OutboxUpgradeSql(kCallbackTable, Engine::kSqlite) +
               common::OutboxLeaseSql(kCallbackTable, Engine::kSqlite),
           common::BigIntegers(checks) +
               common::OutboxTableSql(kCallbackTable, Engine::kPostgresql) +
               common::OutboxUpgradeSql(kCallbackTable, Engine::kPostgresql) +
               common::OutboxLeaseSql(kCallbackTable, Engine::kPostgresql)}};
}

}  // namespace

bool IsValidPrcResidentId(std::string_view id) {
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};
  if (id.size() != 18) return false;
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(id[i]))) return false;
    sum += (id[i] - '0') * kWeights[i];
  }
  const char last = static_cast<char>(std::toupper(static_cast<unsigned char>(id[17])));
  return kCheck[sum % 11] == last;
}

SandboxProvider::SandboxProvider(std::string public_base_url, std::string callback_secret,
                                 common::Database& db, common::HttpClient& http,
                                 const common::Clock& clock)
    : public_base_url_(std::move(public_base_url)),
      callback_secret_(std::move(callback_secret)),
      db_(db),
      clock_(clock),
      callbacks_(db, kCallbackTable, http, clock) {
  if (Status s = common::ApplyMigrations(db_, "issuer_sandbox", Migrations()); !s) {
    throw std::runtime_error("sandbox provider schema: " + s.error().message);
  }
}

SandboxProvider::~SandboxProvider() { StopWorker(); }

Status SandboxProvider::Validate(const ClaimedIdentity& c) const {
  const auto& n = c.id_card_number;
  if (c.id_card_type == "PRC_ID") {
    if (!IsValidPrcResidentId(n)) {
      return Invalid(
          "A PRC resident ID has 17 digits and a check digit (0-9 or X), and the "
          "check digit must match.");
    }
  } else if (c.id_card_type == "PASSPORT") {
    if (!AllOf(n, 6, 9, std::isalnum))
      return Invalid("A passport number has 6 to 9 letters or digits.");
  } else if (!AllOf(n, 5, 20, std::isalnum)) {
    return Invalid("An ID card or driving licence number has 5 to 20 letters or digits.");
  }
  return Status::Ok();
}

Result<StartResult> SandboxProvider::Start(const ProofingStart& start) {
  const std::string name = common::AsciiLower(start.claimed.real_name);
  if (name.find("unavailable") != std::string::npos) {
    return Error{"provider_unavailable", "the sandbox provider pretends to be down"};
  }
  StartResult result;
  result.reference = "sbx_" + common::RandomId(12);
  if (name.find("async") == std::string::npos) {
    result.verdict.outcome = OutcomeForName(name);
    result.verdict.reason = "sandbox_" + std::string(OutcomeName(result.verdict.outcome));
    if (result.verdict.outcome == ProofingOutcome::kVerified) {
      result.verdict.claims["realName"] = start.claimed.real_name;
      // As a document reader would: given names, then the family name.
      const std::string& full = start.claimed.real_name;
      if (const size_t space = full.rfind(' '); space != std::string::npos && space > 0) {
        result.verdict.claims["firstName"] = full.substr(0, space);
        result.verdict.claims["lastName"] = full.substr(space + 1);
      }
    }
    return result;
  }
  result.redirect_url = public_base_url_ + "/sandbox-provider/" + result.reference;
  Status stored = db_.Transaction([&](common::Connection& c) -> Status {
    auto st = c.Cached(
        "INSERT INTO sandbox_checks(reference, outcome, return_url, callback_url, created_at) "
        "VALUES(?, ?, ?, ?, ?)");
    if (!st) return st.error();
    return st->BindText(1, result.reference)
        .BindText(2, OutcomeName(OutcomeForName(name)))
        .BindText(3, start.return_url)
        .BindText(4, start.callback_url)
        .BindInt64(5, clock_.NowSeconds())
        .Run();
  });
  if (!stored) return Error{"provider_unavailable", "the sandbox could not store the check"};
  return result;
}

Result<ProviderVerdict> SandboxProvider::Fetch(const std::string& reference) {
  std::optional<std::pair<std::string, bool>> check;
  Status s = db_.Read([&](common::Connection& c) -> Status {
    auto st = c.Cached("SELECT outcome, completed FROM sandbox_checks WHERE reference = ?");
    if (!st) return st.error();
    auto row = st->BindText(1, reference).Step();
    if (!row) return row.error();
    if (*row) check.emplace(st->ColumnText(0), st->ColumnInt64(1) != 0);
    return Status::Ok();
  });
  if (!s) return Error{"provider_unavailable", "the sandbox could not read the check"};
  if (!check) return Error{"attempt_not_found", "unknown sandbox reference"};
  ProviderVerdict v;
  if (check->second && ParseOutcome(check->first, &v.outcome)) {
    v.reason = "sandbox_" + std::string(OutcomeName(v.outcome));
  }
  return v;
}

Result<CallbackEvent> SandboxProvider::AuthenticateCallback(const CallbackInput& in) {
  const Error refused{"callback_unauthenticated", "the callback signature does not match"};
  std::string sig;
  for (const auto& [k, v] : in.headers) {
    if (k == kSandboxSignatureHeader) sig = v;
  }
  const std::string expected = common::HexEncode(common::HmacSha256(callback_secret_, in.body));
  if (sig.empty() || !common::ConstantTimeEquals(sig, expected)) return refused;
  // Authentic from here on (the signature covers the body), so a bad body is the
  // sender's mistake, not an impostor: say what is wrong.
  auto doc = common::ParseJsonObject(in.body);
  if (!doc) return Error{"invalid_callback", doc.error().message};
  CallbackEvent e;
  e.reference = std::string(common::GetString(*doc, "reference").value_or(""));
  e.event_id = e.reference;
  e.sent_at_ms = common::GetInt64(*doc, "sentAt").value_or(0);
  e.status = std::string(common::GetString(*doc, "status").value_or(""));
  if (e.reference.empty()) return Error{"invalid_callback", "the callback has no reference"};
  return e;
}

// The check row is locked while read (ForUpdate), so that presses reaching
// several instances at once queue one callback.
Result<std::string> SandboxProvider::CompleteHosted(const std::string& reference) {
  std::optional<std::string> return_url;
  bool queued = false;
  Status s = db_.Transaction([&](common::Connection& c) -> Status {
    queued = false;
    auto st = c.Cached(
        "SELECT completed, return_url, callback_url FROM sandbox_checks WHERE "
        "reference = ?" +
        std::string(c.ForUpdate()));
    if (!st) return st.error();
    auto row = st->BindText(1, reference).Step();
    if (!row) return row.error();
    if (!*row) return Status::Ok();
    return_url = st->ColumnText(1);
    if (st->ColumnInt64(0) != 0) return Status::Ok();
    const std::string callback_url = st->ColumnText(2);
    auto done = c.Cached("UPDATE sandbox_checks SET completed = 1 WHERE reference = ?");
    if (!done) return done.error();
    if (Status r = done->BindText(1, reference).Run(); !r) return r;
    common::JsonWriter w;
    w->StartObject();
    w.Member("reference", reference);
    w.Member("status", "PROCESSED");
    w.Member("sentAt", clock_.NowMillis());
    w->EndObject();
    const std::string body = w.str();
    const std::string signature = common::HexEncode(common::HmacSha256(callback_secret_, body));
    queued = true;
    return common::HttpOutbox::Enqueue(c, kCallbackTable, reference, callback_url,
                                       {{kSandboxSignatureHeader, signature}}, body,
                                       clock_.NowMillis());
  });
  if (!s) return Error{"provider_unavailable", "the sandbox could not record the check"};
  if (!return_url) return Error{"attempt_not_found", "unknown sandbox reference"};
  if (queued && worker_) worker_->Notify();
  return *return_url;
}

int SandboxProvider::DeliverPending() {
  auto attempted = callbacks_.DeliverDue();
  if (!attempted) {
    common::LogWarn("sandbox_callback_failed", {{"error", attempted.error().message}});
    return 0;
  }
  return *attempted;
}

void SandboxProvider::StartWorker() {
  if (!worker_) worker_ = std::make_unique<common::OutboxWorker>(callbacks_);
}

void SandboxProvider::StopWorker() { worker_.reset(); }

}  // namespace vc::issuer
