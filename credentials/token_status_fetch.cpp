#include "credentials/token_status_fetch.h"

#include "common/base/json.h"
#include "common/jose/jws.h"
#include "credentials/token_status_list.h"

namespace vc::credentials {
using common::Error;
using common::Result;

namespace {

Error Unavailable(const std::string& why) { return Error{"status_unavailable", why}; }

}  // namespace

Result<std::optional<StatusReference>> ReadStatusReference(const rapidjson::Value& payload) {
  if (!payload.HasMember("status")) return std::optional<StatusReference>();
  const auto* status = common::GetObject(payload, "status");
  const auto* list = status ? common::GetObject(*status, "status_list") : nullptr;
  if (!list) return Error{"invalid_status_claim", "status has no status_list object"};
  const auto idx = common::GetInt64(*list, "idx");
  const auto uri = common::GetString(*list, "uri");
  if (!idx || *idx < 0 || !uri || uri->empty())
    return Error{"invalid_status_claim", "status_list needs a non-negative idx and a uri"};
  return std::optional<StatusReference>(
      StatusReference{static_cast<uint64_t>(*idx), std::string(*uri)});
}

Result<uint8_t> TokenStatusFetcher::Status(const std::string& issuer, const StatusReference& ref) {
  common::HttpRequest req;
  req.url = ref.uri;
  req.headers = {{"Accept", "application/statuslist+jwt"}};
  req.max_response_bytes = 1 << 20;
  auto r = http_.Send(req);
  if (!r) return Unavailable("the status list: " + r.error().message);
  if (r->status != 200)
    return Unavailable("the status list answered HTTP " + std::to_string(r->status));
  auto token = common::ParseCompact(r->body, 1 << 20);
  if (!token) return Unavailable("the status list is not a JWT");
  auto key = keys_.Find(issuer, token->kid);
  if (!key) return Unavailable("the status list's key: " + key.error().message);
  auto verified = VerifyStatusListToken(r->body, *key, ref.uri, clock_.NowSeconds());
  if (!verified) return Unavailable("the status list token: " + verified.error().message);
  if (!verified->claims.iss.empty() && verified->claims.iss != issuer)
    return Unavailable("the status list token is from another issuer");
  if (ref.idx >= verified->list.size())
    return Unavailable("idx " + std::to_string(ref.idx) + " is outside the status list");
  return verified->list.Get(static_cast<size_t>(ref.idx));
}

}  // namespace vc::credentials
