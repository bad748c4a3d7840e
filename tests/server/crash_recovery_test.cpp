// kill -9 in the middle of load. The real vcserver runs as a child process on
// port 0 with a verifier webhook pointing at a receiver in this test. Four
// threads drive it: two walk jumpstart journeys to `vcwallet accept`, two
// create issuance requests on the embedded Request Service whose callbacks go
// to the receiver, accept them, and answer verifier presentation requests with
// `vcwallet present`. Half-way through the receiver starts answering 503, so
// events wait in the outboxes. Once enough steps were acknowledged the child is sent
// SIGKILL while requests are in flight, then started again on the same data
// directory and port. Nothing a client saw acknowledged may be lost:
//   - a jumpstart link that was answered 303 stays used (token_replayed);
//   - every credential a wallet holds is in rs_credentials; every issuance the
//     wallet completed reaches issuance_successful at the issuer;
//   - every audit entry read before the crash is still there, unchanged, and
//     `vcctl audit verify` passes;
//   - the outboxes resume: each completed issuance reaches the receiver as
//     issuance_successful, each presentation as a presentation_verified webhook,
//     and so does every other terminal event committed, at least once, with an
//     Idempotency-Key that is the same (with the same body) on every delivery.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <regex>
#include <thread>

#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/config/config.h"
#include "common/http/http_client.h"
#include "common/http/http_server.h"
#include "common/http/url.h"
#include "common/jose/jws.h"
#include "issuer/issuance_store.h"
#include "tests/server/issuance_flow.h"
#include "tests/support/run.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace vc::testing {
namespace {

constexpr const char* kAppKey = "crash-app-key-0123456789";
constexpr const char* kAdminKey = "crash-admin-key-0123456789";
constexpr int kKillAfterAcks = 48;

std::string KeyHash(const std::string& key) { return common::HexEncode(common::Sha256(key)); }

// Every POST the server makes to us: Request Service callbacks on /rs, webhooks on /hook.
class Receiver {
 public:
  struct Call {
    std::string path, idempotency_key, body;
    int answered = 200;
  };
  Receiver() {
    for (const char* path : {"/rs", "/hook"}) {
      server_.Route("POST", path, [this, path](const common::HttpServerRequest& r) {
        std::lock_guard lock(mu_);
        const int status = refusing_.load() ? 503 : 200;
        calls_.push_back(
            {path, std::string(r.Header("idempotency-key").value_or("")), r.body, status});
        return common::HttpServerResponse::Json(status, "{}");
      });
    }
    server_.Start();
  }
  std::string url() const { return server_.BaseUrl(); }
  std::vector<Call> calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }
  // Whether an event was delivered (answered 2xx).
  bool Has(const std::string& path, const std::string& key) {
    for (const auto& c : calls()) {
      if (c.path == path && c.idempotency_key == key && c.answered == 200) return true;
    }
    return false;
  }
  // While set, every POST is answered 503, so events pile up in the outboxes.
  void Refuse(bool refuse) { refusing_ = refuse; }

 private:
  std::atomic<bool> refusing_{false};
  std::mutex mu_;
  std::vector<Call> calls_;
  common::HttpServer server_;
};

// What clients saw acknowledged before the crash.
struct Acks {
  std::mutex mu;
  std::condition_variable changed;
  int count = 0;
  std::vector<std::string> used_links;     // jumpstart links answered 303
  std::vector<std::string> issuances;      // issuer issuance ids the wallet completed
  std::vector<std::string> rs_requests;    // Request Service requestIds the wallet completed
  std::vector<std::string> presentations;  // verifier request ids the wallet answered
  std::vector<std::string> failures;       // steps that failed while the server was up

  void Add(std::vector<std::string>& list, std::string value) {
    std::lock_guard lock(mu);
    list.push_back(std::move(value));
    ++count;
    changed.notify_all();
  }
};

class CrashRecoveryTest : public ::testing::Test {
 protected:
  void SetUp() override { config_ = WriteConfig("config.json", "http://127.0.0.1:0"); }

  // The server's config; the restart names the public URL the first run was bound to,
  // as an operator's config would.
  std::string WriteConfig(const std::string& name, const std::string& public_base_url) {
    const std::string path = dir_.File(name);
    std::ofstream(path) << R"({"listen":"127.0.0.1:0","publicBaseUrl":")" << public_base_url
                        << R"(","dataDir":")" << data_ << R"(","apiKeys":[)"
                        << R"({"id":"app","org":"contoso","role":"app","hash":"sha256:)"
                        << KeyHash(kAppKey) << R"("},{"id":"ops","role":"admin","hash":"sha256:)"
                        << KeyHash(kAdminKey) << R"("}],"verifier":{"webhook":{"url":")"
                        << receiver_.url()
                        << R"(/hook","secret":"webhook-secret-0123456789"}},)"
                        // The receiver is on loopback: callbacks and webhooks may reach it.
                        << R"("outbound":{"allow":["127.0.0.0/8"]}})";
    return path;
  }

  common::Result<common::HttpResponse> Send(const std::string& method, const std::string& url,
                                            const std::string& body, common::HttpHeaders headers) {
    common::HttpRequest req;
    req.method = method;
    req.url = url.rfind("http", 0) == 0 ? url : base_ + url;
    req.body = body;
    req.headers = std::move(headers);
    return http_.Send(req);
  }

  CommandResult Wallet(const std::string& wallet, const std::string& command,
                       const std::string& url) {
    return RunBinary("vcwallet", {"--wallet", wallet, command, url});
  }

  // Jumpstart link → sandbox proofing → issuance page → vcwallet accept. Returns
  // "" when done, otherwise the step that failed.
  std::string JourneyOnce(const std::string& wallet) {
    auto minted =
        RunBinary("vcctl", {"jumpstart", "mint", "--org", "contoso", "--key", rp_key_,
                            "--redirect-url", base_ + "/demo/rp/done", "--base-url", base_});
    if (minted.exit_code != 0) return "mint: " + minted.output;
    const std::string link = minted.output.substr(0, minted.output.find('\n'));
    auto opened = Send("GET", link, "", {});
    if (!opened || opened->status != 303) {
      return "open link: " + (opened ? opened->body : opened.error().message);
    }
    const std::string location(opened->Header("location").value_or(""));
    const std::string session = location.substr(location.rfind('/') + 1);
    const std::string set_cookie(opened->Header("set-cookie").value_or(""));
    acks_.Add(acks_.used_links, link);
    const common::HttpHeaders form = {{"Cookie", set_cookie.substr(0, set_cookie.find(';'))},
                                      {"Content-Type", "application/x-www-form-urlencoded"}};
    auto proofed =
        Send("POST", "/proofing/" + session,
             "realName=Mei%20Chen&idCardType=PRC_ID&idCardNumber=11010519491231002X", form);
    if (!proofed || proofed->status != 303) return "proofing";
    auto cont = Send("POST", "/proofing/" + session + "/continue", "", form);
    if (!cont || cont->status != 303) return "continue";
    auto page = Send("GET", "/issuance/" + session, "", form);
    std::smatch link_m, id_m;
    const std::string body = page ? page->body : "";
    if (!std::regex_search(body, link_m, std::regex("id=\"open-wallet\" href=\"([^\"]+)\"")) ||
        !std::regex_search(body, id_m, std::regex("data-id=\"([^\"]+)\""))) {
      return "issuance page";
    }
    const std::string deep_link = link_m[1];
    auto accepted = Wallet(wallet, "accept", deep_link);
    if (accepted.exit_code != 0) return "accept: " + accepted.output;
    acks_.Add(acks_.issuances, id_m[1]);
    return "";
  }

  // An issuance straight on the Request Service (callback to the receiver),
  // accepted, then a verifier presentation request answered with it.
  std::string PresentationOnce(const std::string& wallet, const std::string& state) {
    const std::string body =
        R"({"callback":{"url":")" + receiver_.url() + R"(/rs","state":")" + state +
        R"(","headers":{"api-key":"rs-callback-key"}},"registration":{"clientName":"IDV"},)"
        R"("authority":")" +
        common::DidWebFromUrl(base_) +
        R"(","type":"VerifiedIdentity",)"
        R"("manifest":")" +
        base_ +
        R"(/v1.0/tenants/local/verifiableCredentials/contracts/VerifiedIdentity/manifest",)"
        R"("claims":{"realName":"Megan Bowen","idCardType":"PASSPORT"}})";
    auto created =
        Send("POST", "/v1.0/verifiableCredentials/createIssuanceRequest", body,
             {{"Authorization", "Bearer " + rs_token_}, {"Content-Type", "application/json"}});
    auto doc = common::ParseJsonObject(created ? created->body : "");
    if (!created || created->status != 201 || !doc) {
      return "createIssuanceRequest: " + (created ? created->body : created.error().message);
    }
    const std::string request_id(common::GetString(*doc, "requestId").value_or(""));
    auto accepted =
        Wallet(wallet, "accept", std::string(common::GetString(*doc, "url").value_or("")));
    if (accepted.exit_code != 0) return "accept: " + accepted.output;
    acks_.Add(acks_.rs_requests, request_id);
    const std::string policy =
        R"({"policy":{"id":"crash","includeReceipt":true,"requestedCredentials":[)"
        R"({"type":"VerifiedIdentity","acceptedIssuers":[")" +
        common::DidWebFromUrl(base_) + R"("]}]}})";
    auto asked = Send("POST", "/api/verifier/presentation-requests", policy,
                      {{"Authorization", std::string("Bearer ") + kAppKey},
                       {"Content-Type", "application/json"}});
    auto req = common::ParseJsonObject(asked ? asked->body : "");
    if (!asked || asked->status != 201 || !req) {
      return "presentation request: " + (asked ? asked->body : asked.error().message);
    }
    auto presented =
        Wallet(wallet, "present", std::string(common::GetString(*req, "url").value_or("")));
    if (presented.exit_code != 0) return "present: " + presented.output;
    acks_.Add(acks_.presentations, std::string(common::GetString(*req, "id").value_or("")));
    return "";
  }

  // Runs `step` in a loop on its own thread until the server is killed.
  void Worker(std::function<std::string(int)> step) {
    workers_.emplace_back([this, step] {
      for (int n = 0; !killed_.load(); ++n) {
        const std::string failed = step(n);
        if (failed.empty()) continue;
        if (!killed_.load()) acks_.Add(acks_.failures, failed);
        return;
      }
    });
  }

  // Audit entries as the admin API lists them, by seq.
  std::map<int64_t, std::string> Audit() {
    std::map<int64_t, std::string> out;
    for (int64_t after = 0;;) {
      auto r = Send("GET", "/api/audit?limit=1000&after=" + std::to_string(after), "",
                    {{"Authorization", std::string("Bearer ") + kAdminKey}});
      auto doc = common::ParseJsonObject(r ? r->body : "");
      if (!doc || !(*doc)["entries"].IsArray() || (*doc)["entries"].Empty()) return out;
      for (const auto& e : (*doc)["entries"].GetArray()) {
        after = e["seq"].GetInt64();
        out[after] = common::ToJson(e);
      }
    }
  }

  // Every terminal event the server has committed (acknowledged to a client or
  // not: a wallet may have been cut off before it read the answer), as the
  // receiver path and Idempotency-Key it must arrive with.
  std::vector<std::pair<std::string, std::string>> CommittedTerminalEvents(common::Database& db) {
    std::vector<std::pair<std::string, std::string>> out;
    auto collect = [&](const std::string& path, const std::string& sql, const std::string& arg) {
      EXPECT_TRUE(db.Read([&](common::Connection& c) -> common::Status {
                      auto st = c.Prepare(sql);
                      if (!st) return st.error();
                      if (!arg.empty()) st->BindText(1, arg);
                      for (auto row = st->Step(); row.ok() && *row; row = st->Step()) {
                        out.emplace_back(path, st->ColumnText(0) + ":" + st->ColumnText(1));
                      }
                      return {};
                    }).ok());
    };
    collect("/rs", "SELECT id, terminal FROM rs_requests WHERE terminal != '' AND instr(body, ?)",
            receiver_.url() + "/rs");
    collect("/hook",
            "SELECT id, status FROM vf_requests "
            "WHERE status IN ('presentation_verified', 'presentation_error')",
            "");
    return out;
  }

  // Polls `done` for up to 30 s (the server's outbox workers deliver on their own).
  static bool Eventually(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return done();
  }

  TempDir dir_;
  std::string data_ = dir_.File("var");
  std::string config_;
  Receiver receiver_;
  common::CurlHttpClient http_;
  std::string base_, rp_key_, rs_token_;
  Acks acks_;
  std::atomic<bool> killed_{false};
  std::vector<std::thread> workers_;
};

TEST_F(CrashRecoveryTest, KillNineMidLoadLosesNothingAcknowledged) {
  ServerProcess first;
  ASSERT_TRUE(first.Start({"--config", config_, "--listen", "127.0.0.1:0"}, dir_.File("first")))
      << first.Stderr();
  base_ = first.url();
  rp_key_ = Journey::DemoRpKey(data_);
  auto token = RunBinary("vcctl", {"request-service", "token", "--data-dir", data_});
  ASSERT_EQ(token.exit_code, 0) << token.output;
  rs_token_ = token.output.substr(0, token.output.find('\n'));
  for (int w = 0; w < 2; ++w) {
    const std::string journeys = dir_.File("journeys-" + std::to_string(w) + ".json");
    Worker([this, journeys](int) { return JourneyOnce(journeys); });
    const std::string presenter = dir_.File("presenter-" + std::to_string(w) + ".json");
    Worker([this, presenter, w](int n) {
      return PresentationOnce(presenter, "w" + std::to_string(w) + "-" + std::to_string(n));
    });
  }
  {
    // From half-way on the receiver refuses, so the crash finds events waiting
    // in the outboxes (retries back off 1, 2, 4, 8 s: well within 5 attempts).
    std::unique_lock lock(acks_.mu);
    acks_.changed.wait_for(lock, std::chrono::seconds(90), [this] {
      return acks_.count >= kKillAfterAcks / 2 || !acks_.failures.empty();
    });
    receiver_.Refuse(true);
    acks_.changed.wait_for(lock, std::chrono::seconds(90), [this] {
      return (acks_.count >= kKillAfterAcks && acks_.presentations.size() >= 2 &&
              acks_.issuances.size() >= 2) ||
             !acks_.failures.empty();
    });
  }
  const std::map<int64_t, std::string> audit_before = Audit();
  killed_ = true;
  first.Signal(SIGKILL);
  for (auto& t : workers_) t.join();
  ASSERT_TRUE(acks_.failures.empty()) << acks_.failures.front() << first.Stderr();
  ASSERT_GE(acks_.count, kKillAfterAcks);
  ASSERT_FALSE(acks_.presentations.empty());
  ASSERT_FALSE(acks_.issuances.empty());

  const size_t refused = receiver_.calls().size();
  receiver_.Refuse(false);
  ServerProcess second;
  ASSERT_TRUE(second.Start({"--config", WriteConfig("config-restart.json", base_), "--listen",
                            "127.0.0.1:" + first.port()},
                           dir_.File("second")))
      << second.Stderr();
  ASSERT_EQ(second.url(), base_);

  // Used jumpstart links stay used.
  for (const auto& link : acks_.used_links) {
    auto again = Send("GET", link, "", {{"Accept", "application/json"}});
    ASSERT_TRUE(again.ok());
    EXPECT_NE(again->status, 303) << link;
    EXPECT_NE(again->body.find("token_replayed"), std::string::npos) << again->body;
  }
  // Audit entries seen before the crash are all still there, unchanged.
  const std::map<int64_t, std::string> audit_after = Audit();
  for (const auto& [seq, entry] : audit_before) {
    auto it = audit_after.find(seq);
    ASSERT_NE(it, audit_after.end()) << "audit entry " << seq << " lost";
    EXPECT_EQ(it->second, entry);
  }
  // The outboxes resume: every completed issuance and presentation is delivered.
  for (const auto& id : acks_.rs_requests) {
    EXPECT_TRUE(Eventually([&] { return receiver_.Has("/rs", id + ":issuance_successful"); }))
        << id;
  }
  for (const auto& id : acks_.presentations) {
    EXPECT_TRUE(Eventually([&] { return receiver_.Has("/hook", id + ":presentation_verified"); }))
        << id;
  }
  auto db = common::Database::Open(data_ + "/vc.db");
  ASSERT_TRUE(db.ok());
  const auto committed = CommittedTerminalEvents(**db);
  EXPECT_GE(committed.size(), acks_.rs_requests.size() + acks_.presentations.size());
  for (const auto& [path, key] : committed) {
    EXPECT_TRUE(Eventually([&] { return receiver_.Has(path, key); })) << path << " " << key;
  }
  common::SystemClock clock;
  issuer::IssuanceStore issuances(**db, clock);
  for (const auto& id : acks_.issuances) {
    EXPECT_TRUE(Eventually([&] {
      auto r = issuances.Get(id);
      return r.ok() && r->status == issuer::IssuanceStatus::kSuccessful;
    })) << id;
  }
  // Redeliveries carry the same key and the same body.
  std::map<std::string, std::string> by_key;
  for (const auto& call : receiver_.calls()) {
    ASSERT_FALSE(call.idempotency_key.empty()) << call.path << " " << call.body;
    auto [it, fresh] = by_key.emplace(call.path + " " + call.idempotency_key, call.body);
    if (!fresh) {
      EXPECT_EQ(it->second, call.body) << call.idempotency_key;
    }
  }
  EXPECT_EQ(second.Signal(SIGTERM), 0) << second.Stderr();

  // Every credential a wallet holds was recorded by the Request Service.
  int held = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    if (entry.path().extension() != ".json" ||
        entry.path().filename().string().rfind("config", 0) == 0) {
      continue;
    }
    auto listed = RunBinary("vcwallet", {"--wallet", entry.path().string(), "list", "--json"});
    auto vcs = common::ParseJson(listed.output);
    ASSERT_TRUE(vcs.ok() && vcs->IsArray()) << listed.output;
    for (const auto& vc : vcs->GetArray()) {
      auto parsed = common::ParseCompact(vc.GetString());
      auto payload = common::ParseJsonObject(parsed ? parsed->payload : "");
      ASSERT_TRUE(payload.ok());
      const std::string jti(common::GetString(*payload, "jti").value_or(""));
      int64_t rows = 0;
      ASSERT_TRUE((*db)
                      ->Read([&](common::Connection& c) -> common::Status {
                        auto st = c.Prepare("SELECT COUNT(*) FROM rs_credentials WHERE jti = ?");
                        if (!st) return st.error();
                        st->BindText(1, jti);
                        auto row = st->Step();
                        if (!row) return row.error();
                        rows = st->ColumnInt64(0);
                        return {};
                      })
                      .ok());
      EXPECT_EQ(rows, 1) << jti;
      ++held;
    }
  }
  EXPECT_GE(held, static_cast<int>(acks_.issuances.size() + acks_.rs_requests.size()));
  std::cout << "acknowledged before SIGKILL: " << acks_.used_links.size() << " links, "
            << acks_.issuances.size() << " journeys issued, " << acks_.rs_requests.size()
            << " direct issuances, " << acks_.presentations.size() << " presentations, "
            << audit_before.size() << " audit entries; " << held << " credentials held, "
            << receiver_.calls().size() << " deliveries received, " << committed.size()
            << " terminal events committed, " << refused << " calls before the crash\n";
  auto verified = RunBinary("vcctl", {"audit", "verify", "--data-dir", data_});
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
}

}  // namespace
}  // namespace vc::testing
