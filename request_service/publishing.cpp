// What the authority publishes (DID document, did-configuration, status lists)
// and revocation.
#include "request_service/publishing.h"

#include "common/config/config.h"
#include "common/http/url.h"
#include "credentials/published.h"
#include "keys/did.h"

namespace vc::request_service {
using common::Connection;
using common::Status;

namespace {
constexpr int64_t kLinkageLifetime = 365 * 24 * 3600;
constexpr int64_t kStatusListLifetime = 24 * 3600;
}  // namespace

std::string Publishing::DidDocument() {
  const auto& options = authority_.options();
  auto keys = authority_.keys().List(options.key_purpose);
  return keys::DidWebDocument(options.authority, keys ? *keys : std::vector<keys::StoredKey>{},
                              {options.public_base_url + "/"});
}

std::string Publishing::DidConfiguration() {
  const auto& options = authority_.options();
  const int64_t now = authority_.clock().NowSeconds();
  auto jwt =
      credentials::IssueDomainLinkage(options.authority, options.public_base_url + "/",
                                      authority_.CurrentSigner(), now, now + kLinkageLifetime);
  return credentials::DidConfigurationJson(jwt ? *jwt : "");
}

ApiResult<WalletResponse> Publishing::StatusList(const std::string& list_id) {
  bool exists = false;
  std::vector<int64_t> revoked;
  Status s = authority_.db().Read([&](Connection& c) -> Status {
    auto e = ListExists(c, list_id);
    if (!e) return e.error();
    exists = *e;
    auto idx = RevokedIndexes(c, list_id);
    if (!idx) return idx.error();
    revoked = std::move(*idx);
    return {};
  });
  if (!s) return ApiFailure{500, "internalError", s.error().code, ""};
  if (!exists) return ApiFailure{404, "notFound", "No such status list.", "statusList"};
  const auto& options = authority_.options();
  credentials::StatusList list(static_cast<size_t>(options.status_list_size));
  for (auto i : revoked) list.Set(static_cast<size_t>(i), true);
  const int64_t now = authority_.clock().NowSeconds();
  auto jwt = credentials::IssueStatusListCredential(
      options.authority, authority_.StatusListUrl(list_id), list, authority_.CurrentSigner(), now,
      now + kStatusListLifetime);
  if (!jwt) return ApiFailure{500, "signingError", jwt.error().message, ""};
  return WalletResponse{200, "application/jwt", *jwt};
}

ApiResult<int64_t> Publishing::RevokeById(const std::string& jti) {
  int64_t n = 0;
  Status s = authority_.db().Transaction([&](Connection& c) -> Status {
    auto r = RevokeCredentials(c, "jti", jti);
    if (!r) return r.error();
    n = *r;
    return {};
  });
  if (!s) return ApiFailure{500, "internalError", s.error().code, ""};
  if (n == 0) return ApiFailure{404, "notFound", "No credential with that id.", "credentialId"};
  return n;
}

ApiResult<int64_t> Publishing::RevokeByIndexedClaim(const std::string& contract_id,
                                                    const std::string& value) {
  if (!authority_.FindContract(contract_id))
    return ApiFailure{404, "notFound", "No such contract.", "contract"};
  int64_t n = 0;
  Status s = authority_.db().Transaction([&](Connection& c) -> Status {
    auto r = RevokeCredentials(c, "index_hash", credentials::IndexClaimHash(contract_id, value));
    if (!r) return r.error();
    n = *r;
    return {};
  });
  if (!s) return ApiFailure{500, "internalError", s.error().code, ""};
  if (n == 0)
    return ApiFailure{404, "notFound", "No credential carries that indexed claim value.",
                      "claimValue"};
  return n;
}

}  // namespace vc::request_service
