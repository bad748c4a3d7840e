#include "common/config/config.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

#include "support/temp_dir.h"

namespace vc::common {
namespace {

const std::string kConfigDir = std::string(VC_TEST_DATA_DIR) + "/config";

// Parses `json` and expects a ConfigError whose message starts with `prefix`.
void ExpectError(const std::string& json, const std::string& prefix,
                 const std::string& base_dir = "") {
  try {
    (void)ParseConfig(json, base_dir);
    ADD_FAILURE() << "no ConfigError for " << json << "\n(expected \"" << prefix << "\")";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(prefix, 0), 0u)
        << "message: " << e.what() << "\nexpected prefix: " << prefix;
  }
}

// A minimal valid production configuration, with `extra` members appended.
std::string Production(const std::string& extra = "") {
  return R"({"environment":"production","publicBaseUrl":"https://idv.example",
    "proofingProviders":{"jumio":{"type":"jumio","clientId":"c","clientSecret":"s"}},
    "orgs":[{"id":"contoso","redirectUrls":["https://contoso.example/done"],
             "keys":{"jwksUri":"https://contoso.example/jwks.json"}}])" +
         extra + "}";
}

class EnvVar {
 public:
  EnvVar(const char* name, const char* value) : name_(name) { setenv(name, value, 1); }
  ~EnvVar() { unsetenv(name_); }

 private:
  const char* name_;
};

TEST(Config, DefaultsAreTheEmbeddedDevelopmentSetup) {
  const Config c = DefaultConfig();
  EXPECT_EQ(c.environment, Environment::kDevelopment);
  EXPECT_EQ(c.listen, "127.0.0.1:8080");
  EXPECT_EQ(c.listen_host, "127.0.0.1");
  EXPECT_EQ(c.listen_port, 8080);
  EXPECT_EQ(c.public_base_url, "http://127.0.0.1:8080");
  EXPECT_EQ(c.data_dir, "./var");
  EXPECT_TRUE(c.HasRole(Role::kIssuer) && c.HasRole(Role::kVerifier) &&
              c.HasRole(Role::kRequestService));
  EXPECT_EQ(c.log_level, LogLevel::kInfo);
  ASSERT_EQ(c.orgs.size(), 1u);
  EXPECT_EQ(c.orgs[0].id, "contoso");
  EXPECT_EQ(c.orgs[0].proofing, "sandbox");
  EXPECT_EQ(c.orgs[0].contract, "VerifiedIdentity");
  EXPECT_EQ(c.orgs[0].redirect_urls.at(0), "http://127.0.0.1:8080/demo/rp/done");
  ASSERT_EQ(c.proofing_providers.count("sandbox"), 1u);
  EXPECT_EQ(c.proofing_providers.at("sandbox").type, ProviderType::kSandbox);
  ASSERT_NE(c.FindContract("VerifiedIdentity"), nullptr);
  EXPECT_EQ(c.request_service.mode, RequestServiceMode::kEmbedded);
  EXPECT_EQ(c.request_service.base_url, "http://127.0.0.1:8080/v1.0");
  EXPECT_EQ(c.request_service.token_url, "http://127.0.0.1:8080/oauth2/v2.0/token");
  EXPECT_EQ(c.request_service.authority, "did:web:127.0.0.1%3A8080");
  EXPECT_EQ(c.request_service.tenant_id, "local");
  EXPECT_EQ(c.verifier.authority, "did:web:127.0.0.1%3A8080");
  EXPECT_TRUE(c.api_keys.empty());
}

TEST(Config, EmptyObjectGivesDefaults) {
  const Config c = ParseConfig("{}", "");
  EXPECT_EQ(c.listen, DefaultConfig().listen);
  EXPECT_EQ(c.orgs.size(), 1u);
  EXPECT_EQ(c.request_service.authority, "did:web:127.0.0.1%3A8080");
}

TEST(Config, DerivedDefaultsFollowPublicBaseUrl) {
  const Config c = ParseConfig(R"({"publicBaseUrl":"https://idv.example:8443/base/"})", "");
  EXPECT_EQ(c.public_base_url, "https://idv.example:8443/base");
  EXPECT_EQ(c.request_service.base_url, "https://idv.example:8443/base/v1.0");
  EXPECT_EQ(c.request_service.authority, "did:web:idv.example%3A8443:base");
  EXPECT_EQ(c.orgs.at(0).redirect_urls.at(0), "https://idv.example:8443/base/demo/rp/done");
}

TEST(Config, FullDesignExampleParses) {
  EnvVar auth0("AUTH0_IDV_SECRET", "auth0-secret");
  EnvVar jumio("JUMIO_SECRET", "jumio-secret");
  const Config c = LoadConfigFile(kConfigDir + "/full.json");
  EXPECT_EQ(c.log_level, LogLevel::kDebug);
  EXPECT_EQ(c.data_dir, kConfigDir + "/var");
  ASSERT_EQ(c.orgs.size(), 1u);
  const OrgConfig& org = c.orgs[0];
  EXPECT_EQ(org.name, "Contoso");
  EXPECT_EQ(org.redirect_urls.at(0), "https://contoso.example/onboarding/done");
  EXPECT_EQ(org.keys.jwks_uri, "https://contoso.example/.well-known/jwks.json");
  EXPECT_EQ(org.keys.refresh_seconds, 900);
  EXPECT_EQ(org.max_token_lifetime_seconds, 600);
  ASSERT_EQ(c.auth0.size(), 1u);
  EXPECT_EQ(c.auth0[0].domain, "example.auth0.com");
  EXPECT_EQ(c.auth0[0].token_secret, "auth0-secret");
  // The providers' options are parsed by issuer/ (tests/issuer/provider_config_test.cpp).
  const ProofingProviderConfig& j = c.proofing_providers.at("jumio");
  EXPECT_EQ(j.type, ProviderType::kJumio);
  EXPECT_EQ(j.node.path(), "proofingProviders.jumio");
  EXPECT_NE(j.node.Raw().find("\"env:JUMIO_SECRET\""), std::string::npos);  // as written
  const ProofingProviderConfig& a = c.proofing_providers.at("aliyun");
  EXPECT_EQ(a.type, ProviderType::kAlibaba);
  EXPECT_EQ(c.request_service.client_secret, "rs-secret");
  EXPECT_EQ(c.request_service.authority, "did:web:idv.example");
  ASSERT_EQ(c.request_service.clients.size(), 1u);
  EXPECT_EQ(c.request_service.clients[0].roles.at(0), "VerifiableCredential.Create.All");
  // The contract's rules are parsed by credentials/ (tests/credentials/contract_config_test.cpp).
  EXPECT_EQ(c.contracts.at(0).id, "VerifiedIdentity");
  EXPECT_EQ(c.contracts.at(0).node.path(), "contracts[0]");
  EXPECT_EQ(c.verifier.authority, "did:web:rp.example");
  ASSERT_EQ(c.verifier.policies.size(), 1u);
  EXPECT_EQ(c.verifier.policies[0].id, "onboarding");
  EXPECT_NE(c.verifier.policies[0].node.Raw().find("acceptedIssuers"), std::string::npos);
  EXPECT_EQ(c.api_keys.at(0).hash,
            "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
}

TEST(Config, ValidProductionConfigParses) {
  const Config c = ParseConfig(Production(), "");
  EXPECT_EQ(c.environment, Environment::kProduction);
  EXPECT_EQ(c.orgs.at(0).proofing, "jumio");  // the only provider
  EXPECT_TRUE(c.proofing_providers.count("sandbox") == 0);
}

TEST(Config, MissingFileAndBadJsonAreErrorsAtTheRoot) {
  EXPECT_THROW((void)LoadConfigFile(kConfigDir + "/no-such.json"), ConfigError);
  ExpectError("{", "$: invalid JSON");
  ExpectError("[]", "$: must be an object");
  ExpectError(R"({"listen":"a:1","listen":"b:2"})", "$: invalid JSON");
}

TEST(Config, UnknownKeysAreErrors) {
  ExpectError(R"({"orgz":[]})", "orgz: unknown key");
  ExpectError(R"({"orgs":[{"id":"a","redirectUrl":"https://a"}]})",
              "orgs[0].redirectUrl: unknown key");
  ExpectError(R"({"requestService":{"clientSecrets":"x"}})",
              "requestService.clientSecrets: unknown key");
  // Provider objects keep fields added later.
  EXPECT_NO_THROW(
      (void)ParseConfig(R"({"proofingProviders":{"sandbox":{"type":"sandbox","delayMs":5}}})", ""));
}

// Found by fuzz/config_fuzz.cpp: an unknown key "" at the top gave an empty path.
TEST(Config, KeysThatAreNotPlainAreQuotedInPaths) {
  ExpectError(R"({"":[{"+id":"c08"}]})", R"($[""]: unknown key)");
  ExpectError(R"({"a.b":1})", R"($["a.b"]: unknown key)");
  ExpectError(R"({"orgs":[{"id":"a","x\ny":1}]})", R"(orgs[0]["x\ny"]: unknown key)");
}

TEST(Config, WrongTypes) {
  ExpectError(R"({"listen":8080})", "listen: must be a string");
  ExpectError(R"({"orgs":{}})", "orgs: must be an array");
  ExpectError(R"({"roles":"issuer"})", "roles: must be an array of strings");
  ExpectError(R"({"orgs":[{"id":"a","maxTokenLifetimeSeconds":"600"}]})",
              "orgs[0].maxTokenLifetimeSeconds: must be an integer");
  ExpectError(R"({"orgs":[{"id":"a","maxTokenLifetimeSeconds":0}]})",
              "orgs[0].maxTokenLifetimeSeconds: must be between");
  ExpectError(R"({"orgs":[{"id":"a","redirectUrls":["https://a/",7]}]})",
              "orgs[0].redirectUrls[1]: must be a string");
  ExpectError(R"({"verifier":{"policies":[3]}})", "verifier.policies[0]: must be an object");
}

TEST(Config, BadEnumValues) {
  ExpectError(R"({"environment":"prod"})", "environment: must be one of");
  ExpectError(R"({"roles":["issuer","wallet"]})", "roles[1]: must be one of");
  ExpectError(R"({"roles":["issuer","issuer"]})", "roles[1]: duplicate role");
  ExpectError(R"({"roles":[]})", "roles: must name at least one role");
  ExpectError(R"({"requestService":{"mode":"hybrid"}})", "requestService.mode: must be one of");
  ExpectError(R"({"requestService":{"signingAlg":"HS256"}})",
              "requestService.signingAlg: must be one of");
  ExpectError(R"({"requestService":{"requestLifetimeSeconds":5}})",
              "requestService.requestLifetimeSeconds");
  ExpectError(R"({"proofingProviders":{"x":{"type":"onfido"}}})",
              "proofingProviders.x.type: must be one of");
  ExpectError(R"({"proofingProviders":{"x":{}}})", "proofingProviders.x.type: is required");
  ExpectError(R"({"logLevel":"verbose"})", "logLevel: must be one of");
}

TEST(Config, ListenMustBeHostAndPort) {
  for (const char* bad : {"localhost", "127.0.0.1:", ":8080", "host:99999", "::1:80", "h:8x"}) {
    ExpectError(std::string(R"({"listen":")") + bad + "\"}", "listen: must be host:port");
  }
  const Config v6 = ParseConfig(R"({"listen":"[::1]:0"})", "");
  EXPECT_EQ(v6.listen_host, "::1");
  EXPECT_EQ(v6.listen_port, 0);
}

TEST(Config, UrlsMustBeAbsoluteHttp) {
  ExpectError(R"({"publicBaseUrl":"ftp://idv.example"})",
              "publicBaseUrl: must be an absolute http(s) URL");
  ExpectError(R"({"publicBaseUrl":"/relative"})", "publicBaseUrl: must be an absolute");
  ExpectError(R"({"publicBaseUrl":"http://user:pw@idv.example"})",
              "publicBaseUrl: must not contain user info");
  ExpectError(R"({"orgs":[{"id":"a","redirectUrls":["https://a.example/ok","not a url"]}]})",
              "orgs[0].redirectUrls[1]: must be an absolute http(s) URL");
  ExpectError(R"({"orgs":[{"id":"a","redirectUrls":["https://a.example/#frag"]}]})",
              "orgs[0].redirectUrls[0]: must not contain a fragment");
  ExpectError(R"({"orgs":[{"id":"a","keys":{"jwksUri":"file:///etc/passwd"}}]})",
              "orgs[0].keys.jwksUri: must be an absolute http(s) URL");
}

TEST(Config, ProductionRequiresHttps) {
  std::string http_base = Production();
  http_base.replace(http_base.find("https://idv.example"), 19, "http://idv.example");
  ExpectError(http_base, "publicBaseUrl: must be an absolute https URL in production");
  ExpectError(R"({"environment":"production"})",
              "publicBaseUrl: must be an absolute https URL in production");
  std::string json = Production();
  json.replace(json.find("https://contoso.example/done"), 28,
               R"(https://contoso.example/a","http://contoso.example/done)");
  ExpectError(json, "orgs[0].redirectUrls[1]: must be an absolute https URL in production");
}

TEST(Config, ProductionRefusesSandboxAndKeylessOrgs) {
  ExpectError(R"({"environment":"production","publicBaseUrl":"https://idv.example",
                  "proofingProviders":{"sandbox":{"type":"sandbox"}}})",
              "proofingProviders.sandbox.type: the sandbox provider is not allowed in production");
  const std::string json = R"({"environment":"production","publicBaseUrl":"https://idv.example",
    "proofingProviders":{"jumio":{"type":"jumio","clientId":"c","clientSecret":"s"}},
    "orgs":[{"id":"contoso","redirectUrls":["https://contoso.example/done"]}]})";
  ExpectError(json, "orgs[0].keys: one of jwksUri, jwks or pemFiles is required in production");
}

TEST(Config, OrgRulesAndReferences) {
  ExpectError(R"({"orgs":[{"id":"a"},{"id":"a"}]})", "orgs[1].id: duplicate org id \"a\"");
  ExpectError(R"({"orgs":[{"name":"x"}]})", "orgs[0].id: is required");
  ExpectError(R"({"orgs":[{"id":"a/b"}]})", "orgs[0].id: must use only");
  ExpectError(R"({"orgs":[{"id":"a","proofing":"nope"}]})",
              "orgs[0].proofing: unknown proofing provider \"nope\"");
  ExpectError(R"({"orgs":[{"id":"a","contract":"Nope"}]})",
              "orgs[0].contract: unknown contract \"Nope\"");
  ExpectError(R"({"proofingProviders":{"s1":{"type":"sandbox"},"s2":{"type":"sandbox"}},
                  "orgs":[{"id":"a"}]})",
              "orgs[0].proofing: is required when 2 proofing providers are configured");
  ExpectError(R"({"auth0":[{"domain":"t.auth0.com","tokenSecret":"s","proofing":"x"}]})",
              "auth0[0].proofing: unknown proofing provider \"x\"");
  ExpectError(R"({"auth0":[{"domain":"https://t.auth0.com","tokenSecret":"s"}]})",
              "auth0[0].domain: must be a host name");
  ExpectError(R"({"auth0":[{"domain":"t.auth0.com"}]})", "auth0[0].tokenSecret: is required");
}

TEST(Config, OrgKeySources) {
  const Config c = ParseConfig(R"({"orgs":[
      {"id":"a","keys":{"jwks":{"keys":[{"kty":"RSA","n":"x","e":"AQAB"}]}}},
      {"id":"b","keys":{"pemFiles":["keys/rp_pub.pem","/abs/rp.pem"]}}]})",
                               "/etc/vc");
  EXPECT_EQ(c.orgs[0].keys.jwks, R"({"keys":[{"kty":"RSA","n":"x","e":"AQAB"}]})");
  EXPECT_EQ(c.orgs[1].keys.pem_files.at(0), "/etc/vc/keys/rp_pub.pem");
  EXPECT_EQ(c.orgs[1].keys.pem_files.at(1), "/abs/rp.pem");
  ExpectError(R"({"orgs":[{"id":"a","keys":{"jwksUri":"https://a/j","pemFiles":["p.pem"]}}]})",
              "orgs[0].keys: give only one of jwksUri, jwks and pemFiles");
  ExpectError(R"({"orgs":[{"id":"a","keys":{"jwks":{"kty":"RSA"}}}]})",
              "orgs[0].keys.jwks.keys: must be an array");
}

TEST(Config, RequestServiceRemoteNeedsEndpointAndCredentials) {
  ExpectError(R"({"requestService":{"mode":"remote"}})",
              "requestService.baseUrl: is required in remote mode");
  ExpectError(R"({"requestService":{"mode":"remote","baseUrl":"https://rs/v1.0",
                  "tokenUrl":"https://login/token","clientId":"c","clientSecret":"s"}})",
              "requestService.authority: is required in remote mode");
  ExpectError(R"({"requestService":{"authority":"idv.example"}})",
              "requestService.authority: must be a DID");
  ExpectError(R"({"requestService":{"clients":[{"clientId":"a","clientSecret":"s"},
                  {"clientId":"a","clientSecret":"t"}]}})",
              "requestService.clients[1].clientId: duplicate client id \"a\"");
}

TEST(Config, IssuanceSettings) {
  const std::string remote = R"("requestService":{"mode":"remote","baseUrl":"https://rs/v1.0",
      "tokenUrl":"https://login/token","clientId":"c","clientSecret":"s","authority":"did:web:idv.example"})";
  // Remote mode: the contract the demo org issues needs its manifest URL at Entra.
  ExpectError("{" + remote + "}",
              "contracts[0].manifestUrl: is required when requestService.mode is remote");
  const Config r = ParseConfig("{" + remote + R"(,"contracts":[{"id":"V",
      "manifestUrl":"https://rs/v1.0/tenants/t/verifiableCredentials/contracts/x/manifest"}]})",
                               "");
  EXPECT_EQ(r.contracts[0].manifest_url,
            "https://rs/v1.0/tenants/t/verifiableCredentials/contracts/x/manifest");
  // Nothing issued: no manifest needed.
  EXPECT_NO_THROW(
      ParseConfig("{" + remote + R"(,"orgs":[{"id":"o","issueCredential":false}]})", ""));
  // Embedded mode: the manifest is ours.
  const Config e = ParseConfig(R"({"publicBaseUrl":"https://idv.example"})", "");
  EXPECT_EQ(e.contracts[0].manifest_url,
            "https://idv.example/v1.0/tenants/local/verifiableCredentials/contracts/"
            "VerifiedIdentity/manifest");
  ExpectError(R"({"orgs":[{"id":"o","pinLength":3}]})",
              "orgs[0].pinLength: must be 0 (no PIN) or 4 to 16");
  ExpectError(R"({"orgs":[{"id":"o","pinLength":17}]})", "orgs[0].pinLength:");
  ExpectError(R"({"auth0":[{"domain":"t.auth0.com","tokenSecret":"s","contract":"nope"}]})",
              "auth0[0].contract: unknown contract \"nope\"");
  const Config o =
      ParseConfig(R"({"orgs":[{"id":"o","pinLength":4,"credentialLifetimeSeconds":86400}],
      "auth0":[{"domain":"t.auth0.com","tokenSecret":"s","contract":"VerifiedIdentity","pinLength":6}]})",
                  "");
  EXPECT_EQ(o.orgs[0].pin_length, 4);
  EXPECT_TRUE(o.orgs[0].issue_credential);
  EXPECT_EQ(o.orgs[0].credential_lifetime_seconds, 86400);
  EXPECT_EQ(o.auth0[0].contract, "VerifiedIdentity");
  EXPECT_EQ(o.auth0[0].pin_length, 6);
}

TEST(Config, PortZeroIsRebasedOnceBound) {
  Config c = ParseConfig(R"({"listen":"127.0.0.1:0"})", "");
  EXPECT_EQ(c.public_base_url, "http://127.0.0.1:0");
  RebasePublicBaseUrl(c, "http://127.0.0.1:41234");
  EXPECT_EQ(c.public_base_url, "http://127.0.0.1:41234");
  EXPECT_EQ(c.request_service.base_url, "http://127.0.0.1:41234/v1.0");
  EXPECT_EQ(c.request_service.token_url, "http://127.0.0.1:41234/oauth2/v2.0/token");
  EXPECT_EQ(c.request_service.authority, "did:web:127.0.0.1%3A41234");
  EXPECT_EQ(c.verifier.authority, "did:web:127.0.0.1%3A41234");
  EXPECT_EQ(c.orgs[0].redirect_urls[0], "http://127.0.0.1:41234/demo/rp/done");
  EXPECT_EQ(c.contracts[0].manifest_url.rfind("http://127.0.0.1:41234/v1.0/tenants/local/", 0), 0u);
  // The demo policy accepts the embedded Request Service's DID, the bound one.
  ASSERT_FALSE(c.verifier.policies.empty());
  EXPECT_NE(c.verifier.policies[0].node.Raw().find(R"("did:web:127.0.0.1%3A41234")"),
            std::string::npos);
  EXPECT_EQ(c.verifier.policies[0].node.Raw().find("%3A0\""), std::string::npos);
  // A listen address with no publicBaseUrl gives a URL on that address.
  EXPECT_EQ(ParseConfig(R"({"listen":"0.0.0.0:9000"})", "").public_base_url,
            "http://127.0.0.1:9000");
  EXPECT_EQ(ParseConfig(R"({"listen":"[::1]:9000"})", "").public_base_url, "http://[::1]:9000");
}

TEST(Config, ContractRules) {
  ExpectError(R"({"contracts":[{"id":"c"},{"id":"c"}]})", "contracts[1].id: duplicate");
  const Config c = ParseConfig(R"({"contracts":[{"id":"C","claims":[{"inputClaim":"a"}]}]})", "");
  EXPECT_EQ(c.orgs[0].contract, "C");  // the only contract
}

TEST(Config, ApiKeyRules) {
  const std::string hash = "sha256:" + std::string(64, 'A');
  const Config c = ParseConfig(R"({"apiKeys":[{"id":"k","org":"contoso","hash":")" + hash +
                                   R"("},{"id":"root","role":"admin","hash":")" + hash + "\"}]}",
                               "");
  EXPECT_EQ(c.api_keys[0].role, "app");
  EXPECT_EQ(c.api_keys[0].hash, "sha256:" + std::string(64, 'a'));
  ExpectError(R"({"apiKeys":[{"id":"k","org":"contoso","hash":"sha256:abc"}]})",
              "apiKeys[0].hash: must be \"sha256:\" followed by 64 hex digits");
  ExpectError(
      R"({"apiKeys":[{"id":"k","org":"contoso","hash":"md5:)" + std::string(64, 'a') + "\"}]}",
      "apiKeys[0].hash: must be");
  ExpectError(R"({"apiKeys":[{"id":"k","org":"nobody","hash":")" + hash + "\"}]}",
              "apiKeys[0].org: unknown org \"nobody\"");
  ExpectError(R"({"apiKeys":[{"id":"k","hash":")" + hash + "\"}]}",
              "apiKeys[0].org: is required for role app");
  ExpectError(R"({"apiKeys":[{"id":"k","role":"root","hash":")" + hash + "\"}]}",
              "apiKeys[0].role: must be one of app, admin");
}

TEST(Config, SecretsFromEnvironment) {
  EnvVar set("VC_TEST_SECRET", "from-env");
  const Config c =
      ParseConfig(R"({"auth0":[{"domain":"t.auth0.com","tokenSecret":"env:VC_TEST_SECRET"}]})", "");
  EXPECT_EQ(c.auth0[0].token_secret, "from-env");
  unsetenv("VC_TEST_UNSET_SECRET");
  ExpectError(R"({"auth0":[{"domain":"t.auth0.com","tokenSecret":"env:VC_TEST_UNSET_SECRET"}]})",
              "auth0[0].tokenSecret: environment variable VC_TEST_UNSET_SECRET is not set");
  EnvVar empty("VC_TEST_EMPTY_SECRET", "");
  ExpectError(R"({"auth0":[{"domain":"t.auth0.com","tokenSecret":"env:VC_TEST_EMPTY_SECRET"}]})",
              "auth0[0].tokenSecret: environment variable VC_TEST_EMPTY_SECRET is empty");
  ExpectError(R"({"auth0":[{"domain":"t.auth0.com","tokenSecret":"env:"}]})",
              "auth0[0].tokenSecret: \"env:\" needs a variable name");
}

TEST(Config, SecretsFromFiles) {
  vc::testing::TempDir dir;
  std::ofstream(dir.File("secret")) << "from-file\n\n";
  std::ofstream(dir.File("empty")) << "\n";
  const std::string rs = R"({"requestService":{"clientSecret":"file:)";
  EXPECT_EQ(ParseConfig(rs + "secret\"}}", dir.path().string()).request_service.client_secret,
            "from-file");
  EXPECT_EQ(ParseConfig(rs + dir.File("secret") + "\"}}", "").request_service.client_secret,
            "from-file");
  ExpectError(rs + "missing\"}}", "requestService.clientSecret: cannot read secret file",
              dir.path().string());
  ExpectError(rs + "empty\"}}", "requestService.clientSecret: secret file", dir.path().string());
  ExpectError(R"({"requestService":{"clientSecret":""}})",
              "requestService.clientSecret: must not be empty");
}

TEST(Config, ErrorCarriesItsPath) {
  try {
    (void)ParseConfig(R"({"orgs":[{"id":"a","keys":{"refreshSeconds":-1}}]})", "");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.path(), "orgs[0].keys.refreshSeconds");
  }
}

TEST(Config, DidWebFromUrl) {
  EXPECT_EQ(DidWebFromUrl("http://127.0.0.1:8080"), "did:web:127.0.0.1%3A8080");
  EXPECT_EQ(DidWebFromUrl("https://idv.example"), "did:web:idv.example");
  EXPECT_EQ(DidWebFromUrl("https://idv.example/a/b/"), "did:web:idv.example:a:b");
  EXPECT_EQ(DidWebFromUrl("not a url"), "");
}

}  // namespace
}  // namespace vc::common
