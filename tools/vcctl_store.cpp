// vcctl audit verify, request-service token: commands that read a vcserver
// data folder. They never create it or anything in it.
#include <filesystem>
#include <iostream>

#include "common/base/clock.h"
#include "common/store/store.h"
#include "issuer/audit_log.h"
#include "keys/key_store.h"
#include "request_service/auth.h"
#include "tools/vcctl_commands.h"

namespace vc::tools {
namespace {

// Walks the audit log's hash chain in DIR/vc.db or the PostgreSQL of --config
// (read-only use).
int AuditVerify(const Args& a) {
  auto db = OpenStateDatabase(a);
  auto report = issuer::AuditLog::Verify(*db);
  if (!report) throw CommandFailed("cannot read the audit log: " + report.error().message);
  if (!report->ok) {
    throw CommandFailed("audit chain broken at entry " + std::to_string(report->bad_seq) + ": " +
                        report->problem);
  }
  std::cout << "audit chain intact: " << report->entries << " entries\n";
  return 0;
}

// Mints with the key-store secrets vcserver generated for its embedded client.
int RequestServiceToken(const Args& a) {
  const std::string scope = a.Get("scope", "request-service");
  OneOf("scope", scope, {"request-service", "admin"});  // a usage mistake before anything else
  std::string dir;
  std::error_code ec;
  if (KeysInFiles(a, &dir) && !std::filesystem::is_directory(dir, ec)) {
    throw CommandFailed("no keys in " + dir + ": start vcserver with this data folder once first");
  }
  server::Storage storage;
  keys::KeyStore& store = OpenKeyStore(a, storage);
  auto secret = store.Secret(request_service::kEmbeddedClientSecretName);
  auto key = store.Secret(request_service::kTokenKeySecretName);
  if (!secret || !key) {
    throw CommandFailed("the embedded Request Service's secrets are not in " + store.Where() +
                        ": start vcserver (with the requestService role) on this storage "
                        "once first");
  }
  // --scope admin: a token for the Admin API (revocation), as Entra's
  // 6a8b4b39-…/.default gives; otherwise one for the Request Service.
  const auto resource = scope == "admin" ? request_service::Resource::kAdmin
                                         : request_service::Resource::kRequestService;
  common::SystemClock clock;
  request_service::TokenService tokens({}, *key, a.Get("tenant", "local"), clock);
  std::cout << tokens.Mint({request_service::kEmbeddedClientId,
                            *secret,
                            {request_service::kRoleCreateAll, request_service::kRoleRevoke}},
                           resource)
            << "\n";
  return 0;
}

}  // namespace

std::vector<Command> StoreCommands() {
  return {
      {{"audit", "verify"},
       kStorageOptions,
       "exit 0 only when the audit log's hash chain is intact",
       {"data-dir", "config"},
       {},
       0,
       0,
       AuditVerify},
      {{"request-service", "token"},
       std::string(kStorageOptions) + " [--tenant ID] [--scope request-service|admin]",
       "a bearer token of the embedded Request Service's generated client, for curl "
       "(--scope admin: for revocation)",
       {"data-dir", "config", "tenant", "scope"},
       {},
       0,
       0,
       RequestServiceToken},
  };
}

}  // namespace vc::tools
