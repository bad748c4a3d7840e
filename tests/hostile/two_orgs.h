// The operator's setup the issue-21 attacks ran against: two orgs on one
// vcserver, contoso proofing with the sandbox and fabrikam with Jumio (a local
// fake Jumio on port 0), an admin key and an app key of fabrikam. Helpers drive
// a fabrikam user through Jumio the way the browser, the user and Jumio would.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/http/url.h"
#include "tests/fakes/fake_jumio.h"
#include "tests/hostile/hostile_server.h"

namespace vc::testing {

inline constexpr const char* kFabrikamAppKey = "fabrikam-app-key";

inline HostileOptions TwoOrgOptions(const FakeJumio& jumio, HostileOptions options = {}) {
  const std::string redirect = R"(["http://127.0.0.1:0/demo/rp/done"])";
  options.config.emplace("orgs", R"([{"id":"contoso","redirectUrls":)" + redirect +
                                     R"(,"proofing":"sandbox"},{"id":"fabrikam","redirectUrls":)" +
                                     redirect + R"(,"proofing":"jumio"}])");
  options.config.emplace("proofingProviders",
                         R"({"sandbox":{"type":"sandbox"},"jumio":{"type":"jumio","baseUrl":")" +
                             jumio.url() +
                             R"(","clientId":"jumio-client","clientSecret":"jumio-secret",)"
                             R"("callbackSecret":"jumio-callback-secret"}})");
  options.config.emplace(
      "apiKeys", R"([{"id":"ops","role":"admin","hash":"sha256:)" +
                     common::HexEncode(common::Sha256(kAdminKey)) +
                     R"("},{"id":"fabrikam-app","org":"fabrikam","role":"app","hash":"sha256:)" +
                     common::HexEncode(common::Sha256(kFabrikamAppKey)) + R"("}])");
  return options;
}

class TwoOrgs {
 public:
  explicit TwoOrgs(HostileOptions options = {})
      : jumio_("jumio-client", "jumio-secret"),
        server_(TwoOrgOptions(jumio_, std::move(options))) {}

  HostileServer& server() { return server_; }
  FakeJumio& jumio() { return jumio_; }

  common::HttpResponse Send(const std::string& method, const std::string& path,
                            const std::string& body, common::HttpHeaders headers) {
    common::HttpRequest req;
    req.method = method;
    req.url = path;
    req.body = body;
    req.headers = std::move(headers);
    req.headers.emplace_back("Accept", "application/json");
    return server_.Send(req);
  }

  // The proofing form, as the user's browser posts it.
  common::HttpResponse SubmitForm(const std::string& session, const std::string& cookie,
                                  const std::string& name, const std::string& type,
                                  const std::string& number) {
    return Send("POST", "/proofing/" + session,
                "realName=" + common::PercentEncode(name) + "&idCardType=" + type +
                    "&idCardNumber=" + common::PercentEncode(number),
                {{"Cookie", cookie}, {"Content-Type", "application/x-www-form-urlencoded"}});
  }

  // What Jumio posts once the user finished: the last account's callback,
  // carrying the userReference vcserver gave Jumio.
  common::HttpResponse JumioCallback() {
    auto account = common::ParseJsonObject(jumio_.last_account_body());
    const std::string user_reference =
        account ? std::string(common::GetString(*account, "userReference").value_or("")) : "";
    const std::string a = jumio_.last_account_id(), w = jumio_.last_execution_id();
    return Send("POST", "/callbacks/jumio",
                R"({"callbackSentAt":"2023-03-15T19:05:00.000Z","userReference":")" +
                    user_reference + R"(","workflowExecution":{"id":")" + w +
                    R"(","definitionKey":"10013","status":"PROCESSED"},"account":{"id":")" + a +
                    R"("}})",
                {{"Content-Type", "application/json"}});
  }

  // Jumio's verdict for the last account: PASSED with what its extraction read
  // (a passport P1234567 of someone born 1990-03-07, unless told otherwise).
  void JumioPasses(const std::string& first, const std::string& last,
                   const std::string& document_number = "P1234567",
                   const std::string& document_type = "PASSPORT") {
    std::string body = FakeJumio::Details(jumio_.last_account_id(), jumio_.last_execution_id(),
                                          "PROCESSED", "PASSED", first, last);
    body.replace(body.find("P1234567"), 8, document_number);
    body.replace(body.find(R"("type":"PASSPORT")"), 17, R"("type":")" + document_type + "\"");
    jumio_.SetDetails(jumio_.last_execution_id(), body);
  }

  // The session's proofing state ("pending", "verified", "mismatch", …) once it
  // is no longer pending, or "pending" after 20 s. The callback's verdict is
  // fetched by vcserver's poller, as a client would see it: by asking again.
  std::string FinalState(const std::string& session, const std::string& cookie) {
    std::string state;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    do {
      auto resp = Send("GET", "/proofing/" + session, "", {{"Cookie", cookie}});
      auto doc = common::ParseJsonObject(resp.body);
      state = doc ? std::string(common::GetString(*doc, "state").value_or("")) : resp.body;
      if (state != "pending") return state;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (std::chrono::steady_clock::now() < deadline);
    return state;
  }

 private:
  FakeJumio jumio_;
  HostileServer server_;
};

}  // namespace vc::testing
