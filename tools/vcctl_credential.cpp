// vcctl credential revoke: revokes issued credentials in a vcserver data
// folder's database, wherever they were issued (VC-JWTs of the embedded Request
// Service, SD-JWT VCs of the OpenID4VCI issuer).
#include <filesystem>
#include <functional>
#include <iostream>

#include "common/store/migrations.h"
#include "common/store/store.h"
#include "credentials/contract.h"
#include "issuer/oid4vci_store.h"
#include "request_service/request_store.h"
#include "tools/vcctl_commands.h"

namespace vc::tools {
namespace {

constexpr const char* kRevokeDetails =
    R"(Revokes credentials in the data directory's database (or the PostgreSQL --config
names), wherever they were issued:
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

int Revoke(const Args& a) {
  const std::string id = a.Get("id"), contract = a.Get("contract"), value = a.Get("claim-value"),
                    subject = a.Get("subject");
  const int selectors = !id.empty() + !contract.empty() + !subject.empty();
  if (selectors != 1 || contract.empty() != value.empty()) {
    throw UsageError(
        "give one selector: --id ID, --contract ID with --claim-value VALUE, or --subject "
        "OWNER/NAME");
  }
  auto db = OpenStateDatabase(a);
  const std::string hash = contract.empty() ? "" : credentials::IndexClaimHash(contract, value);
  auto vc_jwts = RevokeIn(*db, "request_service", [&](common::Connection& c) {
    if (!subject.empty()) return common::Result<int64_t>(int64_t{0});
    return id.empty() ? request_service::RevokeCredentials(c, "index_hash", hash)
                      : request_service::RevokeCredentials(c, "jti", id);
  });
  if (!vc_jwts) throw CommandFailed("revoking VC-JWTs: " + vc_jwts.error().message);
  auto sd_jwts = RevokeIn(*db, "issuer_oid4vci", [&](common::Connection& c) {
    if (!subject.empty()) return issuer::Oid4vciStore::Revoke(c, "subject", subject);
    return id.empty() ? issuer::Oid4vciStore::Revoke(c, "index_hash", hash)
                      : issuer::Oid4vciStore::Revoke(c, "id", id);
  });
  if (!sd_jwts) throw CommandFailed("revoking SD-JWT VCs: " + sd_jwts.error().message);
  if (*vc_jwts + *sd_jwts == 0) throw CommandFailed("no credential matched");
  std::cout << "revoked " << *vc_jwts << " VC-JWT(s) (Bitstring Status List) and " << *sd_jwts
            << " SD-JWT VC(s) (Token Status List)\n";
  return 0;
}

}  // namespace

std::vector<Command> CredentialCommands() {
  return {{{"credential", "revoke"},
           "(--id ID | --contract ID --claim-value VALUE | --subject OWNER/NAME) " +
               std::string(kStorageOptions),
           "revoke issued credentials (VC-JWTs and SD-JWT VCs)",
           {"id", "contract", "claim-value", "subject", "data-dir", "config"},
           {},
           0,
           0,
           Revoke,
           kRevokeDetails}};
}

}  // namespace vc::tools
