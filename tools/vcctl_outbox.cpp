// vcctl outbox list|retry|drop: the operator's view of the durable outboxes
// (Request Service callbacks, verifier webhooks) in DIR/vc.db or the PostgreSQL
// --config names, and what to do with dead letters (docs/security.md). Works
// beside running vcservers: SQLite's WAL lets both write, and a server picks a
// retried event up on its next delivery round.
#include <iostream>
#include <memory>
#include <utility>

#include "common/base/clock.h"
#include "common/http/outbox_store.h"
#include "common/store/store.h"
#include "request_service/outbox.h"
#include "tools/vcctl_commands.h"
#include "verifier/store.h"

namespace vc::tools {
namespace {

using common::OutboxState;

// The outboxes by the names operators use, and their tables.
const std::pair<const char*, const char*> kOutboxes[] = {
    {"request-service", request_service::kOutboxTable},
    {"verifier", verifier::kWebhookTable},
};

const char* TableOf(const std::string& name) {
  for (const auto& [n, table] : kOutboxes) {
    if (name == n) return table;
  }
  return nullptr;
}

// The outboxes --outbox names (all when absent) that exist in `db`.
std::vector<std::pair<std::string, const char*>> Outboxes(common::Database& db, const Args& a) {
  const std::string only = a.Get("outbox");
  if (!only.empty()) OneOf("outbox", only, {"request-service", "verifier"});
  std::vector<std::pair<std::string, const char*>> out;
  for (const auto& [name, table] : kOutboxes) {
    if (!only.empty() && only != name) continue;
    auto exists = common::outbox_store::Exists(db, table);
    if (!exists) throw CommandFailed(exists.error().message);
    if (*exists) out.emplace_back(name, table);
  }
  return out;
}

// "verifier/12" -> {table, 12}; a usage mistake when malformed.
std::pair<const char*, int64_t> ParseId(const std::string& text) {
  const size_t slash = text.find('/');
  const std::string digits = slash == std::string::npos ? "" : text.substr(slash + 1);
  const char* table = slash == std::string::npos ? nullptr : TableOf(text.substr(0, slash));
  if (!table || digits.empty() || digits.size() > 18 ||
      digits.find_first_not_of("0123456789") != std::string::npos) {
    throw UsageError("not an outbox event id (NAME/ID, e.g. verifier/12): " + text);
  }
  return {table, std::stoll(digits)};
}

std::string Age(int64_t since_ms, int64_t now_ms) {
  const int64_t s = (now_ms - since_ms) / 1000;
  if (s < 120) return std::to_string(s) + "s";
  if (s < 7200) return std::to_string(s / 60) + "m";
  if (s < 172800) return std::to_string(s / 3600) + "h";
  return std::to_string(s / 86400) + "d";
}

int List(const Args& a) {
  const std::string state = a.Get("state", "undelivered");
  OneOf("state", state, {"undelivered", "pending", "dead", "delivered", "all"});
  int limit = 100;
  try {
    limit = std::stoi(a.Get("limit", "100"));
  } catch (const std::exception&) {
    throw UsageError("--limit must be a number");
  }
  auto db = OpenStateDatabase(a);
  const auto wanted = common::ParseOutboxState(state);
  const int64_t now = common::SystemClock().NowMillis();
  std::cout << "ID\tSTATE\tATTEMPTS\tAGE\tKEY\tDESTINATION\tLAST OUTCOME\n";
  for (const auto& [name, table] : Outboxes(*db, a)) {
    auto events = common::outbox_store::List(*db, table, wanted, limit);
    if (!events) throw CommandFailed("cannot read " + name + ": " + events.error().message);
    for (const auto& e : *events) {
      if (state == "undelivered" && e.state == OutboxState::kDelivered) continue;
      std::cout << name << "/" << e.id << "\t" << common::StateName(e.state) << "\t" << e.attempts
                << "\t" << Age(e.created_ms, now) << "\t" << e.key << "\t" << e.destination << "\t"
                << (e.outcome.empty() ? "-" : e.outcome) << "\n";
    }
  }
  return 0;
}

// Every ID must name an event the action applies to.
int EachId(const Args& a, bool retry) {
  if (a.Has("all-dead")) {
    if (!retry) throw UsageError("--all-dead is for retry");
    if (!a.positional.empty()) throw UsageError("give either --all-dead or event ids");
  } else if (a.positional.empty()) {
    throw UsageError("name at least one event (NAME/ID)");
  }
  std::vector<std::pair<const char*, int64_t>> ids;
  for (const auto& text : a.positional) ids.push_back(ParseId(text));
  auto db = OpenStateDatabase(a);
  const int64_t now = common::SystemClock().NowMillis();
  int64_t done = 0;
  if (a.Has("all-dead")) {
    for (const auto& [name, table] : Outboxes(*db, a)) ids.emplace_back(table, 0);
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    const auto& [table, id] = ids[i];
    auto n = retry ? common::outbox_store::Retry(*db, table, id, now)
                   : common::outbox_store::Drop(*db, table, id);
    if (!n) throw CommandFailed(n.error().message);
    if (*n == 0 && id != 0) {
      throw CommandFailed(a.positional[i] + (retry ? " is not a dead letter" : " does not exist") +
                          " (done before it: " + std::to_string(done) + ")");
    }
    done += *n;
  }
  std::cout << (retry ? "retried " : "dropped ") << done << "\n";
  return 0;
}

}  // namespace

std::vector<Command> OutboxCommands() {
  return {
      {{"outbox", "list"},
       std::string(kStorageOptions) +
           " [--outbox request-service|verifier] [--state pending|dead|delivered|all] "
           "[--limit N]",
       "callbacks and webhooks not delivered: pending, and dead letters waiting for retry or "
       "drop",
       {"data-dir", "config", "outbox", "state", "limit"},
       {},
       0,
       0,
       List},
      {{"outbox", "retry"},
       "NAME/ID... | --all-dead [--outbox NAME] " + std::string(kStorageOptions),
       "put dead letters back in the queue with a new retry period",
       {"data-dir", "config", "outbox"},
       {"all-dead"},
       0,
       64,
       [](const Args& a) { return EachId(a, true); }},
      {{"outbox", "drop"},
       "NAME/ID... " + std::string(kStorageOptions),
       "delete outbox events (a dead letter the receiver will never want)",
       {"data-dir", "config"},
       {},
       1,
       64,
       [](const Args& a) { return EachId(a, false); }},
  };
}

}  // namespace vc::tools
