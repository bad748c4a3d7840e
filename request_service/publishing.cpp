// What the authority publishes (DID document, did-configuration, status lists)
// and revocation.
#include "common/config/config.h"
#include "common/http/url.h"
#include "credentials/published.h"
#include "keys/did.h"
#include "request_service/service.h"

namespace vc::request_service {
using common::Connection;
using common::Status;

namespace {
constexpr int64_t kLinkageLifetime = 365 * 24 * 3600;
constexpr int64_t kStatusListLifetime = 24 * 3600;
}  // namespace

std::string RequestService::DidDocument() {
  auto keys = keys_.List(options_.key_purpose);
  return keys::DidWebDocument(options_.authority, keys ? *keys : std::vector<keys::StoredKey>{},
                              {options_.public_base_url + "/"});
}

std::string RequestService::DidConfiguration() {
  const int64_t now = clock_.NowSeconds();
  auto jwt = credentials::IssueDomainLinkage(options_.authority, options_.public_base_url + "/",
                                             CurrentSigner(), now, now + kLinkageLifetime);
  return credentials::DidConfigurationJson(jwt ? *jwt : "");
}

ApiResult<WalletResponse> RequestService::StatusList(const std::string& list_id) {
  bool exists = false;
  std::vector<int64_t> revoked;
  Status s = db_.Read([&](Connection& c) -> Status {
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
  credentials::StatusList list(static_cast<size_t>(options_.status_list_size));
  for (auto i : revoked) list.Set(static_cast<size_t>(i), true);
  const int64_t now = clock_.NowSeconds();
  auto jwt =
      credentials::IssueStatusListCredential(options_.authority, StatusListUrl(list_id), list,
                                             CurrentSigner(), now, now + kStatusListLifetime);
  if (!jwt) return ApiFailure{500, "signingError", jwt.error().message, ""};
  return WalletResponse{200, "application/jwt", *jwt};
}

ApiResult<int64_t> RequestService::RevokeById(const std::string& jti) {
  int64_t n = 0;
  Status s = db_.Transaction([&](Connection& c) -> Status {
    auto r = RevokeCredentials(c, "jti", jti);
    if (!r) return r.error();
    n = *r;
    return {};
  });
  if (!s) return ApiFailure{500, "internalError", s.error().code, ""};
  if (n == 0) return ApiFailure{404, "notFound", "No credential with that id.", "credentialId"};
  return n;
}

ApiResult<int64_t> RequestService::RevokeByIndexedClaim(const std::string& contract_id,
                                                        const std::string& value) {
  if (!contracts_.count(contract_id))
    return ApiFailure{404, "notFound", "No such contract.", "contract"};
  int64_t n = 0;
  Status s = db_.Transaction([&](Connection& c) -> Status {
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
