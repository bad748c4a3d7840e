// Requests that name URLs for the server to fetch (docs/security.md): a
// holder's did:web in a wallet proof or presentation, a credential's status
// list, a callback URL. Against a whole App: with the default policy nothing
// on loopback is ever connected to (a listener counts connections) whatever
// name leads there; with loopback allow-listed the same requests do reach it,
// which shows that the policy is what stopped them; and the answer is the same
// whether the port was open or closed. A tarpit holds at most maxPerHost
// connections however many requests name it.
#include <gtest/gtest.h>

#include <atomic>
#include <ctime>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/config/config.h"
#include "credentials/holder.h"
#include "credentials/vc_jwt.h"
#include "credentials/wallet_client.h"
#include "tests/hostile/db_snapshot.h"
#include "tests/hostile/hostile_server.h"
#include "tests/support/tcp_listener.h"

namespace vc::testing {
namespace {

constexpr const char* kAllowLoopback = R"({"allow":["127.0.0.0/8","::1"]})";

// A server whose config has `outbound` (JSON text; "" = the default policy).
HostileOptions WithOutbound(const std::string& outbound) {
  HostileOptions o;
  if (!outbound.empty()) o.config["outbound"] = outbound;
  return o;
}

// A holder whose DID is a did:web on this machine.
credentials::Holder WebHolder(const std::string& host, uint16_t port) {
  auto h = credentials::Holder::FromKey(common::Jwk::Generate(common::JwsAlg::kES256));
  h.did = "did:web:" + host + "%3A" + std::to_string(port) + ":latest:meta-data:iam";
  h.kid = h.did + "#key-1";
  return h;
}

// The error of an answer without what differs per request (requestId, date).
std::string ErrorPart(const common::HttpResponse& r) {
  auto doc = common::ParseJsonObject(r.body);
  if (!doc || !doc->HasMember("error")) return r.body;
  return std::to_string(r.status) + " " + common::ToJson((*doc)["error"]);
}

class OutboundAttack {
 public:
  explicit OutboundAttack(HostileServer& s) : s_(s) {}

  std::string authority() const { return common::DidWebFromUrl(s_.base()); }
  std::string issue_url() const {
    return s_.base() + "/v1.0/tenants/local/verifiableCredentials/issue";
  }

  common::HttpResponse Create(const std::string& kind, const std::string& body) {
    common::HttpRequest req;
    req.method = "POST";
    req.url = "/v1.0/verifiableCredentials/create" + kind + "Request";
    req.body = body;
    req.headers = {{"Authorization", "Bearer " + token_}, {"Content-Type", "application/json"}};
    return s_.Send(req);
  }

  std::string PresentationBody(const std::string& callback, const std::string& issuer) {
    return R"({"callback":{"url":")" + callback + R"(","state":"s"},"authority":")" + authority() +
           R"(","registration":{"clientName":"rp"},"requestedCredentials":[{"type":"VerifiedIdentity","acceptedIssuers":[")" +
           issuer + R"("]}]})";
  }
  std::string IssuanceBody(const std::string& callback) {
    return R"({"callback":{"url":")" + callback + R"(","state":"s"},"authority":")" + authority() +
           R"(","registration":{"clientName":"rp"},"type":"VerifiedIdentity","manifest":")" +
           s_.base() +
           R"(/v1.0/tenants/local/verifiableCredentials/contracts/VerifiedIdentity/manifest","claims":{"realName":"Megan"}})";
  }

  // A request created with our own callback URL; its request object's payload.
  rapidjson::Document Open(const std::string& kind, const std::string& body) {
    auto created = Create(kind, body);
    EXPECT_EQ(created.status, 201) << created.body;
    auto doc = common::ParseJsonObject(created.body);
    auto uri = credentials::RequestUriFromLink(
        std::string(doc ? common::GetString(*doc, "url").value_or("") : ""));
    common::HttpRequest get;
    get.url = uri ? uri->substr(s_.base().size()) : "";
    auto object = s_.Send(get);
    auto token = common::ParseCompact(object.body);
    EXPECT_TRUE(token) << object.body;
    if (!token) return rapidjson::Document();
    auto payload = common::ParseJsonObject(token->payload);
    EXPECT_TRUE(payload) << object.body;
    if (!payload) return rapidjson::Document();
    return std::move(*payload);
  }

  common::HttpResponse Present(const rapidjson::Document& object, const credentials::Holder& holder,
                               const std::vector<std::string>& vcs = {}) {
    credentials::PresentationAnswer a{
        std::string(common::GetString(object, "client_id").value_or("")),
        std::string(common::GetString(object, "nonce").value_or("")),
        "def",
        {"VerifiedIdentity"},
        vcs,
        std::time(nullptr)};
    common::HttpRequest req;
    req.method = "POST";
    req.url = "/v1.0/verifiableCredentials/verifyPresentation";
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    req.body = common::FormUrlEncode(
        {{"state", std::string(common::GetString(object, "state").value_or(""))},
         {"id_token", credentials::MakeSiopIdToken(holder, a).value()},
         {"vp_token", credentials::MakeVpJwt(holder, a).value()}});
    return s_.Send(req);
  }

  common::HttpResponse Issue(const credentials::Holder& holder, const std::string& hint) {
    credentials::IssuanceProof p{issue_url(),
                                 s_.base() +
                                     "/v1.0/tenants/local/verifiableCredentials/contracts/"
                                     "VerifiedIdentity/manifest",
                                 hint, "", std::time(nullptr)};
    common::HttpRequest req;
    req.method = "POST";
    req.url = "/v1.0/tenants/local/verifiableCredentials/issue";
    req.headers = {{"Content-Type", "text/plain"}};
    req.body = credentials::MakeIssuanceProof(holder, p).value();
    return s_.Send(req);
  }

  // An issuance request's id_token_hint: what binds a proof to a request.
  std::string Hint() {
    auto object = Open("Issuance", IssuanceBody(s_.base() + "/hostile/cb"));
    return std::string(common::GetString(object, "id_token_hint").value_or(""));
  }

 private:
  HostileServer& s_;
  std::string token_ = s_.BearerToken();
};

TEST(OutboundAttacks, AnAnonymousProofWithADidWebMakesNoRequest) {
  HostileServer server;
  OutboundAttack attack(server);
  TcpListener metadata(TcpListener::Mode::kAnswer);
  ClosedPort closed;
  // No id_token_hint of ours: nothing the proof names is resolved.
  const std::string fake_hint = common::Base64UrlEncode(R"({"alg":"ES256","kid":"x#1"})") + "." +
                                common::Base64UrlEncode(R"({"did":"x"})") + ".c2ln";
  auto open = attack.Issue(WebHolder("127.0.0.1", metadata.port()), fake_hint);
  auto shut = attack.Issue(WebHolder("127.0.0.1", closed.port()), fake_hint);
  EXPECT_EQ(open.status, 400) << open.body;
  EXPECT_EQ(ErrorPart(open), ErrorPart(shut));
  EXPECT_EQ(metadata.connections(), 0);
}

// A proof bound to a request (a valid hint) resolves its holder's DID — through the
// outbound policy: refused by default, reached when allow-listed, told alike either way.
void ProveWithBoundHolder(const std::string& outbound, int expected_connections) {
  HostileServer server(WithOutbound(outbound));
  OutboundAttack attack(server);
  TcpListener metadata(TcpListener::Mode::kAnswer);
  ClosedPort closed;
  std::vector<std::string> answers;
  for (const std::string host : {"127.0.0.1", "localhost"}) {
    auto open = attack.Issue(WebHolder(host, metadata.port()), attack.Hint());
    auto shut = attack.Issue(WebHolder(host, closed.port()), attack.Hint());
    EXPECT_EQ(open.status, 400) << open.body;
    EXPECT_EQ(ErrorPart(open), ErrorPart(shut)) << host;
    answers.push_back(ErrorPart(open));
  }
  EXPECT_EQ(answers[0], answers[1]);
  EXPECT_EQ(metadata.connections(), expected_connections);
}

TEST(OutboundAttacks, ABoundProofsDidWebOnLoopbackIsRefusedByDefault) {
  ProveWithBoundHolder("", 0);
}

TEST(OutboundAttacks, ABoundProofsDidWebIsFetchedWhenAllowListed) {
  ProveWithBoundHolder(kAllowLoopback, 2);
}

void PresentWithWebHolder(const std::string& outbound, int expected_connections) {
  HostileServer server(WithOutbound(outbound));
  OutboundAttack attack(server);
  TcpListener metadata(TcpListener::Mode::kAnswer);
  ClosedPort closed;
  const std::string body =
      attack.PresentationBody(server.base() + "/hostile/cb", attack.authority());
  for (const std::string host : {"127.0.0.1", "localhost"}) {
    auto open = attack.Present(attack.Open("Presentation", body), WebHolder(host, metadata.port()));
    auto shut = attack.Present(attack.Open("Presentation", body), WebHolder(host, closed.port()));
    EXPECT_EQ(open.status, 400) << open.body;
    EXPECT_EQ(ErrorPart(open), ErrorPart(shut)) << host;
  }
  EXPECT_EQ(metadata.connections(), expected_connections);
}

TEST(OutboundAttacks, APresentationsDidWebHolderOnLoopbackIsRefusedByDefault) {
  PresentWithWebHolder("", 0);
}

TEST(OutboundAttacks, APresentationsDidWebHolderIsFetchedWhenAllowListed) {
  PresentWithWebHolder(kAllowLoopback, 2);
}

// A credential from an accepted did:jwk issuer (no fetch) whose status list is on loopback.
void PresentWithStatusListOn(const std::string& outbound, int expected_connections) {
  HostileServer server(WithOutbound(outbound));
  OutboundAttack attack(server);
  TcpListener metadata(TcpListener::Mode::kAnswer);
  ClosedPort closed;
  const auto issuer = credentials::Holder::FromKey(common::Jwk::Generate(common::JwsAlg::kES256));
  const auto holder = credentials::Holder::FromKey(common::Jwk::Generate(common::JwsAlg::kES256));
  const std::string body = attack.PresentationBody(server.base() + "/hostile/cb", issuer.did);
  auto vc_with_status = [&](const std::string& url) {
    const int64_t now = std::time(nullptr);
    credentials::VcToIssue vc{
        issuer.did, holder.did, {"VerifiedIdentity"}, {{"realName", "M"}},
        now,        now + 3600, "urn:pic:1",          credentials::StatusEntry{url, 7}};
    return credentials::IssueVcJwt(vc, {issuer.key, issuer.alg, issuer.kid}).value();
  };
  std::vector<std::string> answers;
  for (const std::string host : {"127.0.0.1", "localhost"}) {
    for (uint16_t port : {metadata.port(), closed.port()}) {
      const std::string url = "http://" + host + ":" + std::to_string(port) + "/status/1";
      answers.push_back(ErrorPart(
          attack.Present(attack.Open("Presentation", body), holder, {vc_with_status(url)})));
    }
  }
  for (const auto& a : answers) {
    EXPECT_EQ(a, answers[0]);
    EXPECT_NE(a.find("400 "), std::string::npos) << a;
  }
  EXPECT_EQ(metadata.connections(), expected_connections);
}

TEST(OutboundAttacks, AStatusListOnLoopbackIsRefusedByDefault) { PresentWithStatusListOn("", 0); }

TEST(OutboundAttacks, AStatusListIsFetchedWhenAllowListed) {
  PresentWithStatusListOn(kAllowLoopback, 2);
}

TEST(OutboundAttacks, ACallbackUrlOnLoopbackIsRefusedWhenTheRequestIsCreated) {
  HostileServer server;
  OutboundAttack attack(server);
  TcpListener receiver(TcpListener::Mode::kAnswer);
  const std::string literal = "http://127.0.0.1:" + std::to_string(receiver.port()) + "/cb";
  for (const auto& r :
       {attack.Create("Issuance", attack.IssuanceBody(literal)),
        attack.Create("Presentation", attack.PresentationBody(literal, attack.authority()))}) {
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find("callback.url"), std::string::npos) << r.body;
  }
  // A name cannot be judged without DNS: the request is created, and the
  // delivery is refused at connect time and kept as a dead letter.
  const std::string named = "http://localhost:" + std::to_string(receiver.port()) + "/cb";
  (void)attack.Open("Issuance", attack.IssuanceBody(named));  // queues request_retrieved
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  bool dead = false;
  while (!dead && std::chrono::steady_clock::now() < deadline) {
    DbSnapshot snapshot = Snapshot(server.db_path());
    for (const auto& row : snapshot["rs_outbox"]) {
      dead = dead || (row.find("state=dead|") != std::string::npos &&
                      row.find("outcome=outbound_refused|") != std::string::npos);
    }
    if (!dead) std::this_thread::sleep_for(std::chrono::milliseconds(50));  // polling the outbox
  }
  EXPECT_TRUE(dead) << "the refused callback was not kept as a dead letter";
  EXPECT_EQ(receiver.connections(), 0);
}

TEST(OutboundAttacks, ACallbackUrlOnLoopbackIsDeliveredWhenAllowListed) {
  HostileServer server(WithOutbound(kAllowLoopback));
  OutboundAttack attack(server);
  TcpListener receiver(TcpListener::Mode::kAnswer);
  const std::string named = "http://localhost:" + std::to_string(receiver.port()) + "/cb";
  (void)attack.Open("Issuance", attack.IssuanceBody(named));
  EXPECT_TRUE(receiver.WaitFor(1));
}

TEST(OutboundAttacks, AWebhookOnAPrivateAddressIsAConfigErrorUnlessAllowListed) {
  TempDir dir;
  auto config = [&](const std::string& extra) {
    std::ofstream(dir.File("config.json"))
        << R"({"listen":"127.0.0.1:0","publicBaseUrl":"http://127.0.0.1:0","dataDir":")"
        << dir.File("data")
        << R"(","verifier":{"webhook":{"url":"http://10.0.0.7/hook","secret":"0123456789abcdef0"}})"
        << extra << "}";
    return server::AppOptions{dir.File("config.json"), "", ""};
  };
  try {
    server::App app(config(""));
    ADD_FAILURE() << "a webhook on 10.0.0.7 was accepted without outbound.allow";
  } catch (const common::ConfigError& e) {
    EXPECT_EQ(e.path(), "verifier.webhook.url");
    EXPECT_NE(std::string(e.what()).find("outbound.allow"), std::string::npos) << e.what();
  }
  server::App app(config(R"(,"outbound":{"allow":["10.0.0.0/8"]})"));
}

// 24 presentations naming one tarpit (allow-listed, so the fetches are made):
// at most maxPerHost connections are ever held; the rest are refused at once,
// and after the first timeout the negative cache refuses the host outright.
TEST(OutboundAttacks, ATarpitHoldsAtMostMaxPerHostConnections) {
  HostileServer server(
      WithOutbound(R"({"allow":["127.0.0.0/8"],"maxPerHost":2,"timeoutMs":1000})"));
  OutboundAttack attack(server);
  TcpListener tarpit(TcpListener::Mode::kHold);
  const std::string body =
      attack.PresentationBody(server.base() + "/hostile/cb", attack.authority());
  std::vector<rapidjson::Document> objects;
  for (int i = 0; i < 24; ++i) objects.push_back(attack.Open("Presentation", body));
  std::vector<int> statuses(objects.size());
  std::vector<std::thread> wallets;
  for (size_t i = 0; i < objects.size(); ++i) {
    wallets.emplace_back([&, i] {
      statuses[i] = attack.Present(objects[i], WebHolder("127.0.0.1", tarpit.port())).status;
    });
  }
  for (auto& t : wallets) t.join();
  for (int status : statuses) EXPECT_EQ(status, 400);
  EXPECT_LE(tarpit.connections(), 2);
  EXPECT_GE(tarpit.connections(), 1);
}

// The finding: 96 requests naming a tarpit made /healthz take ~9.5 s, because
// each held an event-loop thread. Now fetches hold blocking-pool threads only:
// with 16 fetches held open, /healthz still answers at once.
TEST(OutboundAttacks, FetchesHeldByATarpitDoNotDelayHealthz) {
  constexpr int kWallets = 48, kHeld = 16;
  HostileServer server(WithOutbound(
      R"({"allow":["127.0.0.0/8"],"maxPerHost":16,"maxConcurrent":16,"timeoutMs":20000})"));
  OutboundAttack attack(server);
  TcpListener tarpit(TcpListener::Mode::kHold);
  const std::string body =
      attack.PresentationBody(server.base() + "/hostile/cb", attack.authority());
  std::vector<rapidjson::Document> objects;
  for (int i = 0; i < kWallets; ++i) objects.push_back(attack.Open("Presentation", body));
  std::atomic<int> finished{0};
  std::vector<std::thread> wallets;
  for (auto& object : objects) {
    wallets.emplace_back([&] {
      attack.Present(object, WebHolder("127.0.0.1", tarpit.port()));
      finished.fetch_add(1);
    });
  }
  ASSERT_TRUE(tarpit.WaitFor(kHeld));
  const auto healthz = server.Send({"GET", "/healthz", {}, ""});
  const int finished_by_then = finished.load();
  tarpit.Release();  // the held fetches end now rather than at their timeout
  for (auto& t : wallets) t.join();
  EXPECT_EQ(healthz.status, 200);
  // /healthz was answered while the tarpit still held its fetches.
  EXPECT_LE(finished_by_then, kWallets - kHeld);
  EXPECT_GE(tarpit.connections(), kHeld);
}

}  // namespace
}  // namespace vc::testing
