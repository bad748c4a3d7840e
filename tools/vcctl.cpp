// vcctl: the operator's command line. Thin: parses arguments and calls the
// libraries; every failure is one line on stderr and a non-zero exit.
#include <rapidjson/prettywriter.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "common/base/base64url.h"
#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/base/text.h"
#include "common/config/config.h"
#include "common/http/url.h"
#include "common/jose/jwk.h"
#include "common/jose/jws.h"
#include "common/store/migrations.h"
#include "common/store/store.h"
#include "credentials/contract.h"
#include "issuer/audit_log.h"
#include "issuer/oid4vci_store.h"
#include "keys/key_store.h"
#include "request_service/auth.h"
#include "request_service/request_store.h"
#include "server/storage.h"

namespace {
using namespace vc;

constexpr const char* kUsage = R"(usage: vcctl COMMAND [options]

  keys generate --purpose NAME [--alg ES256|ES256K|EdDSA|RS256|PS256] [--data-dir DIR]
  keys list [--purpose NAME] [--data-dir DIR]
  keys rotate --purpose NAME [--data-dir DIR]
  jumpstart mint --org ID --key FILE --redirect-url URL [--request-id ID] [--exp SECONDS]
                 [--base-url URL]              print the one-time link an RP would send
  jws verify --jwk FILE [--alg ALG] TOKEN     exit 0 only when the signature verifies
  jwk thumbprint FILE                          RFC 7638 SHA-256 thumbprint
  token inspect TOKEN                          decode header and payload (no verification)
  audit verify [--data-dir DIR]                exit 0 only when the audit hash chain is intact
  credential revoke (--id ID | --contract ID --claim-value VALUE | --subject OWNER/NAME)
                    [--data-dir DIR]           revoke issued credentials (see --help)
  request-service token [--data-dir DIR] [--tenant ID] [--scope request-service|admin]
                                               a bearer token of the generated embedded client,
                                               for trying the Request Service API with curl
                                               (--scope admin: for revocation)

  keys, audit, credential and request-service take --config FILE: the storage vcserver uses
  with that file (SQLite in its dataDir, or its PostgreSQL, keys sealed in the database).
)";

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;
};

int Fail(const std::string& message) {
  std::cerr << "vcctl: " << message << "\n";
  return 1;
}

Args Parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    if (s.rfind("--", 0) == 0 && i + 1 < argc) {
      a.options[s.substr(2)] = argv[++i];
    } else {
      a.positional.push_back(s);
    }
  }
  return a;
}

std::string Opt(const Args& a, const std::string& name, const std::string& fallback = "") {
  auto it = a.options.find(name);
  return it == a.options.end() ? fallback : it->second;
}

bool ReadFile(const std::string& path, std::string* out) {
  auto text = common::ReadFile(path);
  if (text) *out = std::move(text).value();
  return text.ok();
}

// The configuration whose storage a command works on: --config FILE, as
// vcserver reads it (--data-dir still overrides its dataDir), or the embedded
// defaults in --data-dir (./var).
common::Config StorageConfig(const Args& a) {
  common::Config config =
      Opt(a, "config").empty() ? common::DefaultConfig() : common::LoadConfigFile(Opt(a, "config"));
  if (!Opt(a, "data-dir").empty() || Opt(a, "config").empty()) {
    config.data_dir = Opt(a, "data-dir", "./var");
  }
  return config;
}

// The key store of that storage: files in dataDir/keys, or the database's
// sealed rows when a key-encryption key is configured (then the database is
// opened too, and kept open by `storage`).
keys::KeyStore& OpenKeys(const Args& a, server::Storage& storage) {
  const common::Config config = StorageConfig(a);
  if (config.storage.key_encryption_key.empty()) {
    storage.keys = std::make_unique<keys::KeyStore>(config.data_dir + "/keys");
  } else {
    storage = server::OpenStorage(config);
  }
  return *storage.keys;
}

void PrintKey(const keys::StoredKey& k) {
  std::cout << k.purpose << "\t" << common::AlgName(k.alg) << "\t" << k.key.kid()
            << (k.active ? "\tactive" : "") << "\n";
}

int KeysCommand(const std::string& sub, const Args& a) {
  server::Storage storage;
  keys::KeyStore& store = OpenKeys(a, storage);
  const std::string purpose = Opt(a, "purpose");
  if (sub == "generate" || sub == "rotate") {
    if (purpose.empty()) return Fail("keys " + sub + ": --purpose is required");
    common::Result<keys::StoredKey> key = common::Error{"", ""};
    if (sub == "rotate") {
      key = store.Rotate(purpose);
    } else {
      auto alg = common::ParseAlg(Opt(a, "alg", "ES256"));
      if (!alg || *alg == common::JwsAlg::kHS256) return Fail("keys generate: unsupported --alg");
      key = store.Generate(purpose, *alg, true);
    }
    if (!key) return Fail(key.error().message);
    PrintKey(*key);
    return 0;
  }
  if (sub == "list") {
    auto keys = store.List(purpose);
    if (!keys) return Fail(keys.error().message);
    for (const auto& k : *keys) PrintKey(k);
    return 0;
  }
  return Fail("unknown command: keys " + sub);
}

// The algorithms a key can verify: its own "alg" if the JWK names one.
std::vector<common::JwsAlg> AllowedFor(const common::Jwk& key, const std::string& forced) {
  using common::JwsAlg;
  if (!forced.empty()) {
    auto alg = common::ParseAlg(forced);
    return alg ? std::vector<JwsAlg>{*alg} : std::vector<JwsAlg>{};
  }
  std::vector<JwsAlg> out;
  for (auto alg : {JwsAlg::kRS256, JwsAlg::kPS256, JwsAlg::kES256, JwsAlg::kES256K, JwsAlg::kEdDSA,
                   JwsAlg::kHS256}) {
    if (key.CompatibleWith(alg)) out.push_back(alg);
  }
  return out;
}

// The RP side of a jumpstart link: an RS256 JWT with OrgId, RequestId,
// redirectUrl and exp, signed with the RP's private key (PEM or JWK file).
int JumpstartMint(const Args& a) {
  const std::string org = Opt(a, "org"), key_path = Opt(a, "key"),
                    redirect = Opt(a, "redirect-url");
  if (org.empty() || key_path.empty() || redirect.empty()) {
    return Fail("jumpstart mint: --org, --key and --redirect-url are required");
  }
  std::string key_text;
  if (!ReadFile(key_path, &key_text)) return Fail("cannot read " + key_path);
  auto key = key_text.find("-----BEGIN") != std::string::npos ? common::Jwk::FromPem(key_text)
                                                              : common::Jwk::FromJsonText(key_text);
  if (!key) return Fail("invalid key: " + key.error().message);
  if (!key->has_private() || !key->CompatibleWith(common::JwsAlg::kRS256)) {
    return Fail("jumpstart mint: --key must be an RSA private key (jumpstart links are RS256)");
  }
  int64_t exp_in = 600;
  try {
    exp_in = std::stoll(Opt(a, "exp", "600"));
  } catch (const std::exception&) {
    return Fail("jumpstart mint: --exp must be a number of seconds");
  }
  const std::string request_id = Opt(a, "request-id", common::RandomId(12));
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  common::JsonWriter w;
  w->StartObject();
  w.Member("OrgId", org);
  w.Member("RequestId", request_id);
  w.Member("redirectUrl", redirect);
  w.Member("iat", now);
  w.Member("exp", now + exp_in);
  w->EndObject();
  const std::string kid = key->kid().empty() ? key->Thumbprint() : key->kid();
  auto token = common::SignCompact(*key, common::JwsAlg::kRS256, w.str(), {"JWT", kid, ""});
  if (!token) return Fail(token.error().message);
  std::cout << Opt(a, "base-url", "http://127.0.0.1:8080") << "/" << common::PercentEncode(org)
            << "/?token=" << *token << "\n";
  return 0;
}

int JwsVerify(const Args& a) {
  if (a.positional.size() != 3) return Fail("usage: vcctl jws verify --jwk FILE TOKEN");
  std::string jwk_text;
  const std::string jwk_path = Opt(a, "jwk");
  if (jwk_path.empty()) return Fail("jws verify: --jwk FILE is required");
  if (!ReadFile(jwk_path, &jwk_text)) return Fail("cannot read " + jwk_path);
  auto key = common::Jwk::FromJsonText(jwk_text);
  if (!key) return Fail("invalid JWK: " + key.error().message);
  const auto allowed = AllowedFor(*key, Opt(a, "alg"));
  if (allowed.empty()) return Fail("jws verify: unsupported --alg");
  auto token = common::ParseCompact(a.positional[2]);
  if (!token) return Fail(token.error().code + ": " + token.error().message);
  auto alg = common::VerifySignature(*token, *key, allowed);
  if (!alg) return Fail(alg.error().code + ": " + alg.error().message);
  std::cout << "valid " << common::AlgName(*alg) << " signature\n";
  return 0;
}

int JwkThumbprint(const Args& a) {
  if (a.positional.size() != 3) return Fail("usage: vcctl jwk thumbprint FILE");
  std::string text;
  if (!ReadFile(a.positional[2], &text)) return Fail("cannot read " + a.positional[2]);
  auto key = common::Jwk::FromJsonText(text);
  if (!key) return Fail("invalid JWK: " + key.error().message);
  std::cout << key->Thumbprint() << "\n";
  return 0;
}

std::string Pretty(std::string_view json) {
  auto doc = common::ParseJson(json);
  if (!doc) return std::string(json);
  rapidjson::StringBuffer sb;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(sb);
  w.SetIndent(' ', 2);
  doc->Accept(w);
  return sb.GetString();
}

int TokenInspect(const Args& a) {
  if (a.positional.size() != 3) return Fail("usage: vcctl token inspect TOKEN");
  auto token = common::ParseCompact(a.positional[2]);
  if (!token) return Fail(token.error().code + ": " + token.error().message);
  std::cout << "header:\n"
            << Pretty(token->header_json) << "\npayload:\n"
            << Pretty(token->payload) << "\n";
  if (auto doc = common::ParseJsonObject(token->payload); doc) {
    for (const char* claim : {"iat", "nbf", "exp"}) {
      if (auto t = common::GetNumericDate(*doc, claim)) {
        const std::time_t tt = static_cast<std::time_t>(*t);
        char buf[32];
        std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&tt));
        std::cout << claim << ": " << buf << "\n";
      }
    }
  }
  std::cout << "signature: " << token->signature.size() << " bytes, NOT verified\n";
  return 0;
}

// The database of that storage, for commands that read or change state:
// DIR/vc.db (which must exist), or the PostgreSQL that --config names.
common::Result<std::unique_ptr<common::Database>> OpenDatabase(const Args& a) {
  const common::Config config = StorageConfig(a);
  if (config.storage.type == common::StorageType::kPostgresql) {
    common::PostgresOptions options;
    options.pool_size = 2;
    auto db = common::Database::OpenPostgres(config.storage.url, options);
    if (!db)
      return common::Error{db.error().code, "cannot open the database: " + db.error().message};
    return db;
  }
  const std::string path = config.data_dir + "/vc.db";
  common::DatabaseOptions options;
  options.create = false;
  auto db = common::Database::Open(path, options);
  if (!db) return common::Error{db.error().code, "cannot open " + path + ": " + db.error().message};
  return db;
}

// Walks the audit log's hash chain (read-only use).
int AuditVerify(const Args& a) {
  server::Storage storage;
  auto db = OpenDatabase(a);
  if (!db) return Fail(db.error().message);
  storage.db = std::move(*db);
  auto report = issuer::AuditLog::Verify(*storage.db);
  if (!report) return Fail("cannot read the audit log: " + report.error().message);
  if (!report->ok) {
    return Fail("audit chain broken at entry " + std::to_string(report->bad_seq) + ": " +
                report->problem);
  }
  std::cout << "audit chain intact: " << report->entries << " entries\n";
  return 0;
}

constexpr const char* kRevokeHelp =
    R"(usage: vcctl credential revoke SELECTOR [--data-dir DIR | --config FILE]

Revokes credentials in the data directory's database (or the PostgreSQL that
--config names), wherever they were issued:
  - VC-JWTs of the embedded Request Service (the Entra path): their bit in the
    W3C Bitstring Status List is set;
  - SD-JWT VCs of the OpenID4VCI issuer (dc+sd-jwt): their status in the IETF
    Token Status List becomes INVALID (1).
A running vcserver serves the changed lists at once (they are built per request).

SELECTOR, one of:
  --id ID                             a VC-JWT's jti ("urn:pic:...") or an SD-JWT VC's
                                      id ("urn:uuid:...", in the audit log's reference)
  --contract ID --claim-value VALUE   every credential of the contract whose indexed
                                      claim has VALUE
  --subject OWNER/NAME                every SD-JWT VC issued for that identity record

Exit 0 when at least one credential matched; 1 when none did or on error.
)";

// One store's revocation, inside a transaction, when its tables exist.
common::Result<int64_t> RevokeIn(
    common::Database& db, std::string_view component,
    const std::function<common::Result<int64_t>(common::Connection&)>& revoke) {
  auto version = common::CurrentSchemaVersion(db, component);
  if (!version) return version.error();
  if (*version == 0) return int64_t{0};
  int64_t n = 0;
  common::Status s = db.Transaction([&](common::Connection& c) -> common::Status {
    auto r = revoke(c);
    if (!r) return r.error();
    n = *r;
    return {};
  });
  if (!s) return s.error();
  return n;
}

int CredentialRevoke(const Args& a) {
  const std::string id = Opt(a, "id"), contract = Opt(a, "contract"), value = Opt(a, "claim-value"),
                    subject = Opt(a, "subject");
  const int selectors = !id.empty() + !contract.empty() + !subject.empty();
  if (selectors != 1 || contract.empty() != value.empty()) {
    std::cerr << kRevokeHelp;
    return 2;
  }
  auto db = OpenDatabase(a);
  if (!db) return Fail(db.error().message);
  const std::string hash = contract.empty() ? "" : credentials::IndexClaimHash(contract, value);
  auto vc_jwts = RevokeIn(**db, "request_service", [&](common::Connection& c) {
    if (!subject.empty()) return common::Result<int64_t>(int64_t{0});
    return id.empty() ? request_service::RevokeCredentials(c, "index_hash", hash)
                      : request_service::RevokeCredentials(c, "jti", id);
  });
  if (!vc_jwts) return Fail("revoking VC-JWTs: " + vc_jwts.error().message);
  auto sd_jwts = RevokeIn(**db, "issuer_oid4vci", [&](common::Connection& c) {
    if (!subject.empty()) return issuer::Oid4vciStore::Revoke(c, "subject", subject);
    return id.empty() ? issuer::Oid4vciStore::Revoke(c, "index_hash", hash)
                      : issuer::Oid4vciStore::Revoke(c, "id", id);
  });
  if (!sd_jwts) return Fail("revoking SD-JWT VCs: " + sd_jwts.error().message);
  if (*vc_jwts + *sd_jwts == 0) return Fail("no credential matched");
  std::cout << "revoked " << *vc_jwts << " VC-JWT(s) (Bitstring Status List) and " << *sd_jwts
            << " SD-JWT VC(s) (Token Status List)\n";
  return 0;
}

}  // namespace

// Mints with the same key-store secrets vcserver uses for its generated client.
int RequestServiceToken(const Args& a) {
  server::Storage storage;
  keys::KeyStore& store = OpenKeys(a, storage);
  auto secret = store.SecretOrCreate(request_service::kEmbeddedClientSecretName);
  auto key = store.SecretOrCreate(request_service::kTokenKeySecretName);
  if (!secret || !key) return Fail("cannot read the Request Service secrets in " + store.Where());
  common::SystemClock clock;
  request_service::TokenService tokens({}, *key, Opt(a, "tenant", "local"), clock);
  // --scope admin: a token for the Admin API (revocation), as Entra's
  // 6a8b4b39-…/.default gives; otherwise one for the Request Service.
  const std::string scope = Opt(a, "scope", "request-service");
  if (scope != "admin" && scope != "request-service")
    return Fail("--scope must be request-service or admin");
  const auto resource = scope == "admin" ? request_service::Resource::kAdmin
                                         : request_service::Resource::kRequestService;
  std::cout << tokens.Mint({request_service::kEmbeddedClientId,
                            *secret,
                            {request_service::kRoleCreateAll, request_service::kRoleRevoke}},
                           resource)
            << "\n";
  return 0;
}

int main(int argc, char** argv) {
  if (argc == 2 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
    std::cout << kUsage;
    return 0;
  }
  const Args a = Parse(argc, argv);
  if (a.positional.size() < 2) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string& group = a.positional[0];
  const std::string& sub = a.positional[1];
  try {
    if (group == "keys") return KeysCommand(sub, a);
    if (group == "jumpstart" && sub == "mint") return JumpstartMint(a);
    if (group == "jws" && sub == "verify") return JwsVerify(a);
    if (group == "jwk" && sub == "thumbprint") return JwkThumbprint(a);
    if (group == "token" && sub == "inspect") return TokenInspect(a);
    if (group == "audit" && sub == "verify") return AuditVerify(a);
    if (group == "credential" && sub == "revoke") {
      for (const auto& p : a.positional) {
        if (p == "--help" || p == "-h" || a.options.count("help")) {
          std::cout << kRevokeHelp;
          return 0;
        }
      }
      if (a.options.count("help")) {
        std::cout << kRevokeHelp;
        return 0;
      }
      return CredentialRevoke(a);
    }
    if (group == "request-service" && sub == "token") return RequestServiceToken(a);
  } catch (const std::exception& e) {
    return Fail(e.what());
  }
  std::cerr << kUsage;
  return 2;
}
