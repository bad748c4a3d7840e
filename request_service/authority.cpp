#include "request_service/authority.h"

#include <optional>
#include <stdexcept>
#include <utility>

#include "common/store/migrations.h"
#include "common/store/store_await.h"
#include "request_service/outbox.h"

namespace vc::request_service {
using common::Connection;
using common::Status;

ApiFailure StorageFailure(const common::Error& e) {
  if (common::IsUnavailable(e)) {
    return ApiFailure{503, "storageUnavailable", "The service cannot reach its storage; retry.",
                      ""};
  }
  return ApiFailure{500, "internalError", "The request could not be stored: " + e.code, ""};
}

Authority::Authority(RequestServiceOptions options, common::Database& db, keys::KeyStore& keys,
                     std::vector<credentials::ContractConfig> contracts, const common::Clock& clock)
    : options_(std::move(options)), db_(db), keys_(keys), clock_(clock) {
  if (auto s = common::ApplyMigrations(db_, "request_service", RequestServiceMigrations()); !s) {
    throw std::runtime_error("request service schema: " + s.error().message);
  }
  if (auto k = keys_.ActiveOrGenerate(options_.key_purpose, options_.alg); !k) {
    throw std::runtime_error("request service key: " + k.error().message);
  }
  for (auto& c : contracts) contracts_.emplace(c.id, credentials::Contract(c));
}

credentials::Signer Authority::CurrentSigner() const {
  auto k = keys_.Active(options_.key_purpose);
  if (!k) throw std::runtime_error("request service key: " + k.error().message);
  return credentials::Signer{k->key, k->alg, options_.authority + "#" + k->key.kid()};
}

const credentials::Contract* Authority::FindContract(const std::string& id) const {
  auto it = contracts_.find(id);
  return it == contracts_.end() ? nullptr : &it->second;
}

const credentials::Contract* Authority::ContractForManifest(const std::string& url) const {
  const std::string bare = url.substr(0, url.find('?'));
  for (const auto& [id, c] : contracts_) {
    if (ManifestUrl(id) == bare) return &c;
  }
  return nullptr;
}

std::string Authority::ManifestUrl(const std::string& contract_id) const {
  return options_.public_base_url + "/v1.0/tenants/" + options_.tenant_id +
         "/verifiableCredentials/contracts/" + contract_id + "/manifest";
}

std::string Authority::IssueUrl() const {
  return options_.public_base_url + "/v1.0/tenants/" + options_.tenant_id +
         "/verifiableCredentials/issue";
}

std::string Authority::StatusListUrl(const std::string& list_id) const {
  return options_.public_base_url + "/v1.0/tenants/" + options_.tenant_id +
         "/verifiableCredentials/status/" + list_id;
}

ApiResult<StoredRequest> Authority::Load(const char* column, const std::string& value,
                                         const std::string& kind) const {
  std::optional<StoredRequest> found;
  Status s = db_.Read(FindWork(column, value, &found));
  return Found(s, std::move(found), kind);
}

common::Task<ApiResult<StoredRequest>> Authority::LoadTask(const char* column, std::string value,
                                                           std::string kind) const {
  std::optional<StoredRequest> found;
  // The frame outlives the read: the work may refer to its locals.
  Status s = co_await common::AwaitRead(db_, FindWork(column, value, &found));
  co_return Found(s, std::move(found), kind);
}

common::Database::Work Authority::FindWork(const char* column, const std::string& value,
                                           std::optional<StoredRequest>* found) {
  return [column, &value, found](Connection& c) -> Status {
    auto r = FindRequest(c, column, value);
    if (!r) return r.error();
    *found = std::move(*r);
    return {};
  };
}

ApiResult<StoredRequest> Authority::Found(const Status& read, std::optional<StoredRequest> found,
                                          const std::string& kind) const {
  if (!read) return StorageFailure(read.error());
  if (!found || found->kind != kind)
    return ApiFailure{404, "notFound", "No such " + kind + " request.", "request"};
  if (clock_.NowSeconds() > found->expiry) {
    return ApiFailure{410, "requestExpired", "The " + kind + " request has expired.", "request"};
  }
  return std::move(*found);
}

common::Database::Work Authority::FinishWork(const std::string& id, const CallbackSpec& cb,
                                             const std::string& status,
                                             const std::string& event_body, bool* already) const {
  return [this, &id, &cb, &status, &event_body, already](Connection& c) -> Status {
    *already = false;
    auto cur = FindRequest(c, "id", id, true);
    if (!cur) return cur.error();
    if (!*cur || !(*cur)->terminal.empty()) {
      *already = true;
      return {};
    }
    if (auto u = UpdateRequest(c, id, "terminal", status); !u) return u;
    return CallbackOutbox::Enqueue(c, id, status, cb, event_body, clock_.NowMillis());
  };
}

ApiResult<Done> Authority::Finished(const Status& committed, bool already) const {
  if (!committed) return StorageFailure(committed.error());
  if (already)
    return ApiFailure{409, "requestCompleted", "The request has already completed.", "state"};
  Notify();
  return Done{};
}

ApiResult<Done> Authority::Finish(const StoredRequest& r, const CallbackSpec& cb,
                                  const std::string& status, const std::string& event_body) const {
  bool already = false;
  Status s = db_.Transaction(FinishWork(r.id, cb, status, event_body, &already));
  return Finished(s, already);
}

common::Task<ApiResult<Done>> Authority::FinishTask(std::string id, CallbackSpec cb,
                                                    std::string status,
                                                    std::string event_body) const {
  bool already = false;
  Status s = co_await common::AwaitCommit(db_, FinishWork(id, cb, status, event_body, &already));
  co_return Finished(s, already);
}

}  // namespace vc::request_service
