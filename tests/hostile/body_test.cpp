// Hostile request bodies against every endpoint that reads one (JSON, form or
// text): each endpoint row × each attack of its kind, with the documented
// status; the database is unchanged afterwards (provider callbacks that are
// not accepted are counted in /metrics, not audited: docs/security.md), and
// no URL or did:web put in any field made the server connect to it.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/base/base64url.h"
#include "common/base/crypto.h"
#include "common/http/url.h"
#include "tests/hostile/catalogue.h"
#include "tests/hostile/db_snapshot.h"
#include "tests/support/tcp_listener.h"

namespace vc::testing {
namespace {

enum class Attack {
  kOversize,      // 1 MiB + a few bytes: 413 from the HTTP layer
  kWrongType,     // a well-formed body under another Content-Type: 415
  kMalformed,     // truncated JSON / bad percent-encoding
  kDeepArrays,    // 10,000 nested arrays
  kDeepObjects,   // 10,000 nested objects
  kDuplicateKey,  // the same member or parameter twice
  kBadUtf8,       // 0xFF 0xFE and an overlong '/' in every string
  kHugeString,    // 900 KiB in the first string, the body under the limit
  kSqlQuote,      // '; DROP TABLE x;-- in every string
  kSqlOr,         // " OR 1=1 in every string
  kTraversal,     // ../../etc/passwd in every string
  kCrlf,          // CR LF and a header line in every string
  kSsrfUrl,       // http://127.0.0.1:<listener>/latest/meta-data/iam in every string
  kSsrfDid,       // did:web:127.0.0.1%3A<listener>:latest:meta-data:iam in every string
  kNumberHuge,    // 1e400 in every number
  kNumberNegative,
  kNumber2Pow64,  // 18446744073709551616
};

const std::map<Attack, const char*> kAttackNames = {
    {Attack::kOversize, "oversize body"},
    {Attack::kWrongType, "wrong content type"},
    {Attack::kMalformed, "malformed body"},
    {Attack::kDeepArrays, "10,000 nested arrays"},
    {Attack::kDeepObjects, "10,000 nested objects"},
    {Attack::kDuplicateKey, "duplicate key"},
    {Attack::kBadUtf8, "invalid UTF-8"},
    {Attack::kHugeString, "900 KiB string"},
    {Attack::kSqlQuote, "SQL '; DROP TABLE"},
    {Attack::kSqlOr, "SQL \" OR 1=1"},
    {Attack::kTraversal, "../../etc/passwd"},
    {Attack::kCrlf, "CRLF header injection"},
    {Attack::kSsrfUrl, "loopback URL"},
    {Attack::kSsrfDid, "loopback did:web"},
    {Attack::kNumberHuge, "number 1e400"},
    {Attack::kNumberNegative, "number -1"},
    {Attack::kNumber2Pow64, "number 2^64"},
};

enum class Kind { kJson, kForm };

// One endpoint reading a body. `body` is a plausible body: "$S" marks a string
// slot (a whole JSON string, or a form value), "$N" a JSON number slot. Attacks
// that need a slot the body lacks are skipped. `refused` is the status for a
// well-formed body whose values are wrong; `status` overrides it per attack.
struct Endpoint {
  std::string method;
  std::string path;
  Kind kind;
  Shape shape;
  std::string body;
  int refused;
  std::map<Attack, int> status = {};
  common::HttpHeaders headers = {};
  // Signs each body (e.g. the sandbox callback's HMAC) so the payload gets past authentication.
  std::function<common::HttpHeaders(const std::string&)> sign = nullptr;
};

std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

std::string JsonString(const std::string& s) {
  common::JsonWriter w;
  w.String(s);
  return w.str();
}

// The value put into string slots, encoded for the endpoint's kind.
std::string Slot(Kind kind, const std::string& raw) {
  return kind == Kind::kJson ? JsonString(raw) : common::PercentEncode(raw);
}

// The port of a listener that counts connections: no attack may reach it.
uint16_t g_listener_port = 0;

std::string StringPayload(Attack a) {
  const std::string port = std::to_string(g_listener_port);
  switch (a) {
    case Attack::kSsrfUrl:
      return "http://127.0.0.1:" + port + "/latest/meta-data/iam";
    case Attack::kSsrfDid:
      return "did:web:127.0.0.1%3A" + port + ":latest:meta-data:iam";
    case Attack::kSqlQuote:
      return "'; DROP TABLE x;--";
    case Attack::kSqlOr:
      return "\" OR 1=1";
    case Attack::kTraversal:
      return "../../etc/passwd";
    case Attack::kCrlf:
      return "x\r\nX-Injected: 1";
    default:
      return "x";
  }
}

std::string NumberPayload(Attack a) {
  switch (a) {
    case Attack::kNumberHuge:
      return "1e400";
    case Attack::kNumberNegative:
      return "-1";
    case Attack::kNumber2Pow64:
      return "18446744073709551616";
    default:
      return "1";
  }
}

std::string Nested(const char* open, const char* close) {
  std::string s;
  for (int i = 0; i < 10000; ++i) s += open;
  s += "1";
  for (int i = 0; i < 10000; ++i) s += close;
  return s;
}

std::string Fill(const Endpoint& e, const std::string& text, const std::string& number) {
  return ReplaceAll(ReplaceAll(e.body, "$S", text), "$N", number);
}

// The body of `a` against `e`; nullopt when the attack does not apply.
std::optional<std::string> AttackBody(const Endpoint& e, Attack a) {
  const bool json = e.kind == Kind::kJson;
  const std::string plain = Fill(e, Slot(e.kind, "x"), "1");
  switch (a) {
    case Attack::kOversize:
      return plain + std::string((1 << 20) + 1, json ? ' ' : '&');
    case Attack::kWrongType:
      return plain;
    case Attack::kMalformed:
      return json ? plain.substr(0, plain.size() / 2) : plain + "&x=%zz";
    case Attack::kDeepArrays:
      return json ? std::optional(R"({"a":)" + Nested("[", "]") + "}") : std::nullopt;
    case Attack::kDeepObjects:
      return json ? std::optional(R"({"a":)" + Nested(R"({"a":)", "}") + "}") : std::nullopt;
    case Attack::kDuplicateKey:
      return json ? R"({"dup":1,"dup":2,)" + plain.substr(1) : plain + "&" + plain;
    case Attack::kBadUtf8:
      return Fill(e, json ? "\"\xff\xfe\xc0\xaf\"" : "%FF%FE%C0%AF", "1");
    case Attack::kHugeString: {
      std::string body = e.body;
      body.replace(body.find("$S"), 2, Slot(e.kind, std::string(900 * 1024, 'a')));
      return Fill({e.method, e.path, e.kind, e.shape, body, 0}, Slot(e.kind, "x"), "1");
    }
    case Attack::kNumberHuge:
    case Attack::kNumberNegative:
    case Attack::kNumber2Pow64:
      if (e.body.find("$N") == std::string::npos) return std::nullopt;
      return Fill(e, Slot(e.kind, "x"), NumberPayload(a));
    default:
      return Fill(e, Slot(e.kind, StringPayload(a)), "1");
  }
}

int ExpectedStatus(const Endpoint& e, Attack a) {
  if (auto it = e.status.find(a); it != e.status.end()) return it->second;
  switch (a) {
    case Attack::kOversize:
      return 413;
    case Attack::kWrongType:
      return 415;
    case Attack::kMalformed:
    case Attack::kDeepArrays:
    case Attack::kDeepObjects:
    case Attack::kDuplicateKey:
    case Attack::kBadUtf8:
      return 400;
    default:
      return e.refused;
  }
}

std::vector<Case> Catalogue(const std::vector<Endpoint>& endpoints) {
  std::vector<Case> cases;
  for (const Endpoint& e : endpoints) {
    for (const auto& [attack, attack_name] : kAttackNames) {
      auto body = AttackBody(e, attack);
      if (!body) continue;
      Case c{e.method + " " + e.path + " × " + attack_name,
             {},
             ExpectedStatus(e, attack),
             attack == Attack::kOversize ? Shape::kJsonError : e.shape};
      c.req.method = e.method;
      c.req.url = e.path;
      c.req.body = *body;
      c.req.headers = e.headers;
      c.req.headers.emplace_back("Accept", "application/json");
      const bool json = (e.kind == Kind::kJson) != (attack == Attack::kWrongType);
      c.req.headers.emplace_back("Content-Type",
                                 json ? "application/json" : "application/x-www-form-urlencoded");
      if (e.sign) {
        for (auto& h : e.sign(c.req.body)) c.req.headers.push_back(std::move(h));
      }
      cases.push_back(std::move(c));
    }
  }
  return cases;
}

class HostileBodies : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new HostileServer();
    listener_ = new TcpListener(TcpListener::Mode::kAnswer);
    g_listener_port = listener_->port();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete listener_;
    listener_ = nullptr;
  }
  // Runs the rows and checks the database: unchanged, but for `append_only` tables.
  void RunUnchanged(const std::vector<Endpoint>& endpoints,
                    const std::set<std::string>& append_only = {}) {
    const DbSnapshot before = Snapshot(server_->db_path());
    RunCatalogue(*server_, Catalogue(endpoints));
    ExpectUnchanged(before, Snapshot(server_->db_path()), append_only, {"audit_head"});
    EXPECT_EQ(listener_->connections(), 0) << "a request made the server connect to a URL it named";
  }
  static common::HttpHeaders Bearer(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
  }
  static HostileServer* server_;
  static TcpListener* listener_;
};
HostileServer* HostileBodies::server_ = nullptr;
TcpListener* HostileBodies::listener_ = nullptr;

// The OpenID4VCI token endpoint refuses every hostile form with the OAuth
// shape (400; a JSON body is not a form: 400 invalid_request, not 415); the
// credential endpoint checks the bearer token before it reads a body (401).
TEST_F(HostileBodies, OpenId4Vci) {
  RunUnchanged({
      {"POST",
       "/oid4vci/token",
       Kind::kForm,
       Shape::kOAuth,
       "grant_type=$S&pre-authorized_code=$S&tx_code=$S",
       400,
       {{Attack::kWrongType, 400}}},
      {"POST",
       "/oid4vci/credential",
       Kind::kJson,
       Shape::kOAuth,
       R"({"credential_configuration_id":$S,"proofs":{"jwt":[$S]}})",
       401,
       {{Attack::kWrongType, 400},
        {Attack::kMalformed, 401},
        {Attack::kDeepArrays, 401},
        {Attack::kDeepObjects, 401},
        {Attack::kDuplicateKey, 401},
        {Attack::kBadUtf8, 401}},
       Bearer("not-a-token")},
  });
}

// The OpenID4VP response endpoint: a state that names no request is refused
// before anything else is read (400, OAuth shape); a body that is not a form 415.
TEST_F(HostileBodies, OpenId4Vp) {
  RunUnchanged({
      {"POST",
       "/oid4vp/response",
       Kind::kForm,
       Shape::kOAuth,
       "vp_token=$S&state=$S",
       400,
       {{Attack::kWrongType, 415}}},
  });
}

TEST_F(HostileBodies, RequestServiceApi) {
  const auto bearer = Bearer(server_->BearerToken());
  RunUnchanged({
      {"POST",
       "/v1.0/verifiableCredentials/createIssuanceRequest",
       Kind::kJson,
       Shape::kEnvelope,
       R"({"callback":{"url":$S,"state":$S,"headers":{"api-key":$S}},)"
       R"("registration":{"clientName":$S},"authority":$S,"type":$S,"manifest":$S,)"
       R"("claims":{"realName":$S},"pin":{"value":$S,"length":$N}})",
       400,
       {},
       bearer},
      {"POST",
       "/v1.0/verifiableCredentials/createPresentationRequest",
       Kind::kJson,
       Shape::kEnvelope,
       R"({"callback":{"url":$S,"state":$S},"registration":{"clientName":$S},"authority":$S,)"
       R"("requestedCredentials":[{"type":$S,"acceptedIssuers":[$S],"configuration":)"
       R"({"validation":{"faceCheck":{"sourcePhotoClaimName":$S,)"
       R"("matchConfidenceThreshold":$N}}}}]})",
       400,
       {},
       bearer},
      {"POST",
       "/v1.0/verifiableCredentials/contracts/VerifiedIdentity/credentials/revoke",
       Kind::kJson,
       Shape::kEnvelope,
       R"({"claimValue":$S})",
       404,
       {},
       Bearer(server_->BearerToken(kAdminScope))},
      {"POST", "/v1.0/verifiableCredentials/completeIssuance", Kind::kJson, Shape::kEnvelope,
       R"({"code":$S,"state":$S,"details":$S})", 400},
      {"POST", "/oauth2/v2.0/token", Kind::kForm, Shape::kOAuth,
       "grant_type=$S&client_id=$S&client_secret=$S&scope=$S", 400},
      {"POST", "/local/oauth2/v2.0/token", Kind::kForm, Shape::kOAuth,
       "grant_type=client_credentials&client_id=$S&client_secret=$S&scope=$S", 400},
      {"POST",
       "/v1.0/verifiableCredentials/verifyPresentation",
       Kind::kForm,
       Shape::kEnvelope,
       "id_token=$S&vp_token=$S&state=$S",
       404,
       // Repeated names collapse to one and values are opaque: the state names no request.
       {{Attack::kDuplicateKey, 404}, {Attack::kBadUtf8, 404}, {Attack::kHugeString, 400}}},
  });
}

// The wallet's proof is a bare JWS (text/plain): every hostile text is a 400
// tokenError in the envelope, before any lookup.
TEST_F(HostileBodies, WalletIssueTakesOnlyAProofJws) {
  const std::string deep_header = common::Base64UrlEncode(R"({"a":)" + Nested("[", "]") + "}");
  const std::vector<std::pair<std::string, std::string>> bodies = {
      {"empty", ""},
      {"not a JWS", "not-a-jws"},
      {"SQL '; DROP TABLE", "'; DROP TABLE x;--"},
      {"invalid UTF-8", "\xff\xfe\xc0\xaf"},
      {"CRLF", "a.b.c\r\nX-Injected: 1"},
      {"alg none", common::Base64UrlEncode(R"({"alg":"none"})") + ".e30."},
      {"10,000-deep header", deep_header + ".e30.c2ln"},
      {"900 KiB", std::string(900 * 1024, 'a') + ".e30.c2ln"},
  };
  std::vector<Case> cases;
  for (const auto& [name, body] : bodies) {
    Case c{"POST /v1.0/tenants/local/verifiableCredentials/issue × " + name,
           {},
           400,
           Shape::kEnvelope};
    c.req.method = "POST";
    c.req.url = "/v1.0/tenants/local/verifiableCredentials/issue";
    c.req.body = body;
    c.req.headers = {{"Content-Type", "text/plain"}};
    cases.push_back(std::move(c));
  }
  Case oversize = cases.back();
  oversize.name = "POST /v1.0/tenants/local/verifiableCredentials/issue × oversize body";
  oversize.req.body = std::string((1 << 20) + 1, 'a');
  oversize.status = 413;
  oversize.shape = Shape::kJsonError;
  cases.push_back(oversize);
  const DbSnapshot before = Snapshot(server_->db_path());
  RunCatalogue(*server_, cases);
  ExpectUnchanged(before, Snapshot(server_->db_path()));
}

TEST_F(HostileBodies, VerifierApiAndCallback) {
  const common::HttpHeaders api_key = {{"api-key", server_->HeaderSecret("verifier-callback")}};
  RunUnchanged({
      {"POST",
       "/api/verifier/presentation-requests",
       Kind::kJson,
       Shape::kJsonError,
       R"({"policy":$S})",
       400,
       {},
       Bearer(kAdminKey)},
      {"POST", "/verifier/demo/requests", Kind::kJson, Shape::kJsonError, R"({"policy":$S})", 400},
      // Unknown states are answered 200 and change nothing (docs/verifier.md); callbacks
      // are read whatever their Content-Type (kWrongType), as partners' senders vary.
      {"POST",
       "/api/verifier/callback",
       Kind::kJson,
       Shape::kJsonError,
       R"({"requestId":$S,"requestStatus":$S,"state":$S,"error":{"code":$S,"message":$S}})",
       200,
       {{Attack::kWrongType, 200}},
       api_key},
  });
}

TEST_F(HostileBodies, IssuerCallbacks) {
  const std::string secret = server_->Secret("sandbox-callback");
  auto sandbox_signature = [secret](const std::string& body) {
    return common::HttpHeaders{
        {"X-Sandbox-Signature", common::HexEncode(common::HmacSha256(secret, body))}};
  };
  RunUnchanged({
      // Unknown states are answered 200 and change nothing (a non-2xx breaks the wallet).
      {"POST",
       "/api/issuer/callback",
       Kind::kJson,
       Shape::kJsonError,
       R"({"requestId":$S,"requestStatus":$S,"state":$S,"error":{"code":$S,"message":$S}})",
       200,
       {{Attack::kWrongType, 200}},
       {{"api-key", server_->HeaderSecret("issuer-callback-api-key")}}},
      {"POST",
       "/callbacks/sandbox",
       Kind::kJson,
       Shape::kJsonError,
       R"({"reference":$S,"status":$S,"sentAt":$N})",
       404,
       {{Attack::kWrongType, 404}, {Attack::kNumberHuge, 400}},
       {},
       sandbox_signature},
  });
}

TEST_F(HostileBodies, IntakeAndProofingForms) {
  const auto [session, cookie] = server_->OpenSession("hostile-forms");
  RunUnchanged({
      {"POST", "/contoso/", Kind::kForm, Shape::kJsonError, "token=$S", 400},
      {"POST",
       "/proofing/" + session,
       Kind::kForm,
       Shape::kJsonError,
       "realName=$S&idCardType=$S&idCardNumber=$S",
       400,
       {},
       {{"Cookie", cookie}}},
  });
}

TEST_F(HostileBodies, IdentityApi) {
  RunUnchanged({
      {"PATCH",
       "/api/users/contoso/hostile-nobody",
       Kind::kJson,
       Shape::kCasdoor,
       R"({"realName":$S,"idCardType":$S,"idCardNumber":$S})",
       400,
       {},
       Bearer(kAdminKey)},
      {"POST",
       "/api/users/contoso/hostile-nobody/reset-identity",
       Kind::kJson,
       Shape::kCasdoor,
       R"({"reason":$S})",
       404,
       {{Attack::kHugeString, 400}},
       Bearer(kAdminKey)},
  });
}

}  // namespace
}  // namespace vc::testing
