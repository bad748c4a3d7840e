// Several instances on one PostgreSQL (docs/deployment.md), through a
// round-robin front: a whole flow whose consecutive steps reach different
// instances; a 64-way race for one jumpstart link; kill -9 of an instance while
// callbacks wait for a receiver that is down; concurrent issuances getting
// distinct status-list slots. (Their names avoid "Concurrent": three
// vcserver processes under ThreadSanitizer are for ./dev test, not --tsan.)
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "common/base/json.h"
#include "common/http/url.h"
#include "common/jose/jws.h"
#include "tests/server/issuance_flow.h"
#include "tests/server/multi_instance_fixture.h"

namespace vc::testing {
namespace {

class MultiInstanceTest : public MultiInstanceFixture {};

// jumpstart → proofing → issuance page → wallet → callback → RP result →
// verifier, each request on the next instance in turn.
TEST_F(MultiInstanceTest, AFullFlowWhoseStepsReachDifferentInstances) {
  Journey journey(base_);
  journey.Start(rp_key_, base_ + "/demo/rp/done");
  EXPECT_EQ(journey.ProofAndContinue(), "/issuance/" + journey.session());
  const std::string link = journey.DeepLink();
  const std::string id = journey.IssuanceId();
  ASSERT_FALSE(link.empty());
  auto accepted = Wallet(dir_.File("wallet.json"), "accept", link);
  ASSERT_EQ(accepted.exit_code, 0) << accepted.output;
  EXPECT_EQ(journey.WaitForStatus(id, "issuance_successful"), "issuance_successful");
  auto done = journey.Send("POST", "/issuance/" + journey.session() + "/continue", "");
  ASSERT_EQ(done.status, 303) << done.body;
  // The result was signed by one instance and is checked against the JWKS
  // another one serves.
  auto back = journey.VerifiedReturn(std::string(done.Header("location").value_or("")));
  EXPECT_EQ(back.Get("status"), "issued");

  const std::string policy =
      R"({"policy":{"id":"multi","requestedCredentials":[{"type":"VerifiedIdentity",)"
      R"("acceptedIssuers":[")" +
      common::DidWebFromUrl(base_) + R"("]}]}})";
  auto asked = Send(
      "POST", "/api/verifier/presentation-requests", policy,
      {{"Authorization", std::string("Bearer ") + kAppKey}, {"Content-Type", "application/json"}});
  auto req = common::ParseJsonObject(asked ? asked->body : "");
  ASSERT_TRUE(asked && asked->status == 201 && req)
      << (asked ? std::to_string(asked->status) + " " + asked->body : asked.error().message);
  const std::string pid(common::GetString(*req, "id").value_or(""));
  auto presented = Wallet(dir_.File("wallet.json"), "present",
                          std::string(common::GetString(*req, "url").value_or("")));
  ASSERT_EQ(presented.exit_code, 0) << presented.output;
  std::string result;
  EXPECT_TRUE(Eventually([&] {
    auto r = Send("GET", "/api/verifier/presentation-requests/" + pid, "",
                  {{"Authorization", std::string("Bearer ") + kAppKey}});
    result = r ? r->body : "";
    return result.find("presentation_verified") != std::string::npos;
  })) << result;
  EXPECT_NE(result.find("Mei Chen"), std::string::npos) << result;

  // Every instance took part, and consecutive steps of the journey went to
  // different ones.
  const auto proofing = front_.Served("/proofing/");
  ASSERT_GE(proofing.size(), 2u);
  EXPECT_NE(proofing[0], proofing[1]);
  std::set<size_t> all;
  for (size_t i : front_.Served("/")) all.insert(i);
  EXPECT_EQ(all.size(), static_cast<size_t>(kInstances));
  // One DID document, one JWKS, whichever instance answers.
  std::set<std::string> dids, jwks;
  for (const auto& s : servers_) {
    dids.insert(common::Get(http_, s->url() + "/.well-known/did.json")->body);
    jwks.insert(common::Get(http_, s->url() + "/.well-known/jwks.json")->body);
  }
  EXPECT_EQ(dids.size(), 1u);
  EXPECT_EQ(jwks.size(), 1u);
  auto verified = RunBinary("vcctl", {"audit", "verify", "--config", configs_[1]});
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
}

// One link, 64 concurrent uses spread over the instances: exactly one 303.
TEST_F(MultiInstanceTest, SixtyFourUsesOfOneLinkOnEveryInstanceOpenOneSession) {
  const std::string link = MintLink();
  std::atomic<int> opened{0}, replayed{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 64; ++i) {
    threads.emplace_back([&] {
      auto r = Send("GET", link, "", {{"Accept", "application/json"}});
      if (r && r->status == 303) {
        ++opened;
      } else if (r && r->status == 409 && r->body.find("token_replayed") != std::string::npos) {
        ++replayed;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(opened.load(), 1);
  EXPECT_EQ(replayed.load(), 63);
  EXPECT_EQ(other.load(), 0);
  std::set<size_t> served;
  for (size_t i : front_.Served("/contoso/")) served.insert(i);
  EXPECT_EQ(served.size(), static_cast<size_t>(kInstances));
}

// Terminal callbacks wait in the shared outbox while the receiver is down; an
// instance is killed with SIGKILL; once the receiver is back, every committed
// terminal event arrives, repeats only with the same Idempotency-Key and body.
TEST_F(MultiInstanceTest, KillNineWhileCallbacksWaitLosesNoTerminalEvent) {
  receiver_.Refuse(true);
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) {
    auto [id, url] = CreateIssuance("kill-" + std::to_string(i));
    ASSERT_FALSE(url.empty());
    auto accepted = Wallet(dir_.File("kill-wallet.json"), "accept", url);
    ASSERT_EQ(accepted.exit_code, 0) << accepted.output;
    ids.push_back(id);
  }
  // Delivery was attempted (and refused) before the kill.
  ASSERT_TRUE(Eventually([&] { return !receiver_.calls().empty(); }));
  servers_[0]->Signal(SIGKILL);
  front_.SetBackend(0, servers_[1]->url());
  receiver_.Refuse(false);
  auto db = Db();
  ASSERT_NE(db, nullptr);
  std::vector<std::string> terminal;
  ASSERT_TRUE(db->Read([&](common::Connection& c) -> common::Status {
                  auto st = c.Prepare("SELECT id, terminal FROM rs_requests WHERE terminal != ''");
                  if (!st) return st.error();
                  for (auto row = st->Step(); row.ok() && *row; row = st->Step()) {
                    terminal.push_back(st->ColumnText(0) + ":" + st->ColumnText(1));
                  }
                  return {};
                }).ok());
  EXPECT_EQ(terminal.size(), ids.size());
  for (const auto& id : ids) {
    EXPECT_NE(std::find(terminal.begin(), terminal.end(), id + ":issuance_successful"),
              terminal.end());
  }
  // A lease the killed instance held runs out after 25 s at most.
  for (const auto& key : terminal) {
    EXPECT_TRUE(Eventually([&] { return receiver_.Has("/rs", key); }, 90)) << key;
  }
  std::map<std::string, std::string> by_key;
  for (const auto& call : receiver_.calls()) {
    ASSERT_FALSE(call.idempotency_key.empty()) << call.body;
    auto [it, fresh] = by_key.emplace(call.idempotency_key, call.body);
    if (!fresh) {
      EXPECT_EQ(it->second, call.body) << call.idempotency_key;
    }
  }
  auto verified = RunBinary("vcctl", {"audit", "verify", "--config", configs_[2]});
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
}

// Issuances completed at once through every instance: each credential has its
// own status-list slot.
TEST_F(MultiInstanceTest, SimultaneousIssuancesOnEveryInstanceGetDistinctStatusSlots) {
  constexpr int kThreads = 4, kEach = 4;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string wallet = dir_.File("slots-" + std::to_string(t) + ".json");
      for (int n = 0; n < kEach; ++n) {
        auto [id, url] = CreateIssuance("slot-" + std::to_string(t) + "-" + std::to_string(n));
        if (url.empty() || Wallet(wallet, "accept", url).exit_code != 0) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  std::set<std::string> slots;
  int held = 0;
  for (int t = 0; t < kThreads; ++t) {
    auto listed = RunBinary(
        "vcwallet",
        {"--wallet", dir_.File("slots-" + std::to_string(t) + ".json"), "list", "--json"});
    auto vcs = common::ParseJson(listed.output);
    ASSERT_TRUE(vcs.ok() && vcs->IsArray()) << listed.output;
    for (const auto& vc : vcs->GetArray()) {
      auto payload = common::ParseJsonObject(common::ParseCompact(vc.GetString())->payload);
      ASSERT_TRUE(payload.ok());
      const auto* vc_claim = common::GetObject(*payload, "vc");
      const auto* status = vc_claim ? common::GetObject(*vc_claim, "credentialStatus") : nullptr;
      ASSERT_NE(status, nullptr);
      slots.insert(std::string(common::GetString(*status, "statusListCredential").value_or("")) +
                   "#" + std::string(common::GetString(*status, "statusListIndex").value_or("")));
      ++held;
    }
  }
  EXPECT_EQ(held, kThreads * kEach);
  EXPECT_EQ(slots.size(), static_cast<size_t>(held));
  auto db = Db();
  ASSERT_NE(db, nullptr);
  int64_t rows = -1, distinct = -2;
  ASSERT_TRUE(db->Read([&](common::Connection& c) -> common::Status {
                  auto st = c.Prepare(
                      "SELECT COUNT(*), (SELECT COUNT(*) FROM (SELECT DISTINCT list_id, list_index "
                      "FROM rs_credentials) d) FROM rs_credentials");
                  if (!st) return st.error();
                  auto row = st->Step();
                  if (!row) return row.error();
                  rows = st->ColumnInt64(0);
                  distinct = st->ColumnInt64(1);
                  return {};
                }).ok());
  EXPECT_EQ(rows, kThreads * kEach);
  EXPECT_EQ(distinct, rows);
}

}  // namespace
}  // namespace vc::testing
