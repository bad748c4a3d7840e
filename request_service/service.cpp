// Creating requests, request objects, the request lifecycle and terminal events.
#include "request_service/service.h"

#include <stdexcept>

#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/http/qr.h"
#include "common/jose/jws.h"
#include "request_service/events.h"

namespace vc::request_service {
using common::Connection;
using common::Status;

namespace {

std::string NewUuid() {
  std::string b = common::RandomBytes(16);
  b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
  const std::string h = common::HexEncode(b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

ApiFailure Internal(const common::Error& e) {
  return ApiFailure{500, "internalError", "The request could not be stored: " + e.code, ""};
}

}  // namespace

// Our own credentials are checked against the database, so verifying them
// needs no HTTP round trip to ourselves; anyone else's go to `remote`.
class RequestService::LocalStatus final : public credentials::StatusChecker {
 public:
  LocalStatus(RequestService& svc, credentials::StatusChecker& remote)
      : svc_(svc), remote_(remote) {}
  common::Result<bool> IsRevoked(const std::string& issuer,
                                 const credentials::StatusEntry& e) override {
    const std::string prefix = svc_.StatusListUrl("");
    if (issuer != svc_.options_.authority || !e.list_url.starts_with(prefix))
      return remote_.IsRevoked(issuer, e);
    const std::string list = e.list_url.substr(prefix.size());
    bool revoked = false;
    Status s = svc_.db_.Read([&](Connection& c) -> Status {
      auto idx = RevokedIndexes(c, list);
      if (!idx) return idx.error();
      for (auto i : *idx) revoked = revoked || i == e.index;
      return {};
    });
    if (!s) return s.error();
    return revoked;
  }

 private:
  RequestService& svc_;
  credentials::StatusChecker& remote_;
};

// Our own linked domain is the origin we serve did-configuration.json from;
// checking it over HTTP would make a request handler call its own server,
// which can deadlock when every event-loop thread is busy.
class RequestService::LocalDomains final : public credentials::LinkedDomainChecker {
 public:
  LocalDomains(RequestService& svc, credentials::LinkedDomainChecker& remote)
      : svc_(svc), remote_(remote) {}
  common::Result<std::string> Verify(const std::string& did) override {
    if (did == svc_.options_.authority) return svc_.options_.public_base_url + "/";
    return remote_.Verify(did);
  }

 private:
  RequestService& svc_;
  credentials::LinkedDomainChecker& remote_;
};

RequestService::RequestService(RequestServiceOptions options, common::Database& db,
                               keys::KeyStore& keys,
                               std::vector<credentials::ContractConfig> contracts,
                               credentials::DidResolver& resolver,
                               credentials::StatusChecker& remote_status,
                               credentials::LinkedDomainChecker& domains,
                               const common::Clock& clock)
    : options_(std::move(options)),
      db_(db),
      keys_(keys),
      resolver_(resolver),
      domains_(domains),
      clock_(clock) {
  status_ = std::make_unique<LocalStatus>(*this, remote_status);
  status_checker_ = status_.get();
  local_domains_ = std::make_unique<LocalDomains>(*this, domains_);
  domain_checker_ = local_domains_.get();
  if (auto s = common::ApplyMigrations(db_, "request_service", RequestServiceMigrations()); !s) {
    throw std::runtime_error("request service schema: " + s.error().message);
  }
  if (auto k = keys_.ActiveOrGenerate(options_.key_purpose, options_.alg); !k) {
    throw std::runtime_error("request service key: " + k.error().message);
  }
  for (auto& c : contracts) contracts_.emplace(c.id, credentials::Contract(c));
  resolver_.AddLocal(options_.authority, [this] { return DidDocument(); });
}

RequestService::~RequestService() = default;

credentials::Signer RequestService::CurrentSigner() {
  auto k = keys_.Active(options_.key_purpose);
  if (!k) throw std::runtime_error("request service key: " + k.error().message);
  return credentials::Signer{k->key, k->alg, options_.authority + "#" + k->key.kid()};
}

std::string RequestService::ManifestUrl(const std::string& contract_id) const {
  return options_.public_base_url + "/v1.0/tenants/" + options_.tenant_id +
         "/verifiableCredentials/contracts/" + contract_id + "/manifest";
}

std::string RequestService::IssueUrl() const {
  return options_.public_base_url + "/v1.0/tenants/" + options_.tenant_id +
         "/verifiableCredentials/issue";
}

std::string RequestService::StatusListUrl(const std::string& list_id) const {
  return options_.public_base_url + "/v1.0/tenants/" + options_.tenant_id +
         "/verifiableCredentials/status/" + list_id;
}

const credentials::Contract* RequestService::ContractForManifest(const std::string& url) const {
  const std::string bare = url.substr(0, url.find('?'));
  for (const auto& [id, c] : contracts_) {
    if (ManifestUrl(id) == bare) return &c;
  }
  return nullptr;
}

ApiResult<CreatedRequest> RequestService::CreateIssuance(const std::string& body) {
  auto spec = ParseIssuanceRequest(body);
  if (!spec.ok()) return spec.failure();
  if (spec->authority != options_.authority) {
    return BadField("authority", "The request does not contain a valid authority DID.");
  }
  const auto* contract = ContractForManifest(spec->manifest);
  if (!contract)
    return BadField("manifest", "The manifest URL does not name a contract of this service.");
  if (auto claims = contract->MapClaims(spec->claims); !claims) {
    const auto& msg = claims.error().message;
    const auto start = msg.find('`') + 1;
    return BadField("claims." + msg.substr(start, msg.find('`', start) - start), msg);
  }
  if (spec->expiration_date && *spec->expiration_date <= clock_.NowSeconds()) {
    return BadField("expirationDate", "expirationDate must be in the future.");
  }
  StoredRequest r;
  r.kind = "issuance";
  r.body = body;
  r.pin_salt =
      spec->pin ? (spec->pin->hashed ? spec->pin->salt : common::HexEncode(common::RandomBytes(16)))
                : "";
  return Store(std::move(r), spec->include_qr,
               "/v1.0/tenants/" + options_.tenant_id + "/verifiableCredentials/issuanceRequests/");
}

ApiResult<CreatedRequest> RequestService::CreatePresentation(const std::string& body) {
  auto spec = ParsePresentationRequest(body);
  if (!spec.ok()) return spec.failure();
  if (spec->authority != options_.authority) {
    return BadField("authority", "The request does not contain a valid authority DID.");
  }
  StoredRequest r;
  r.kind = "presentation";
  r.body = body;
  return Store(std::move(r), spec->include_qr,
               "/v1.0/" + options_.tenant_id + "/verifiableCredentials/presentationRequests/");
}

ApiResult<CreatedRequest> RequestService::Store(StoredRequest r, bool qr, const std::string& path) {
  r.id = NewUuid();
  r.wallet_state = common::RandomId(24);
  r.nonce = common::RandomId(16);
  r.created = clock_.NowSeconds();
  r.expiry = r.created + options_.request_lifetime_seconds;
  if (auto s = db_.Transaction([&](Connection& c) { return InsertRequest(c, r); }); !s)
    return Internal(s.error());
  CreatedRequest out;
  out.request_id = r.id;
  // The raw https URL after request_uri=, as Microsoft's examples and samples expect (spec §10).
  out.url = "openid-vc://?request_uri=" + options_.public_base_url + path + r.id;
  out.expiry = r.expiry;
  if (qr) out.qr_code = common::QrCodeDataUri(out.url);
  return out;
}

ApiResult<StoredRequest> RequestService::Load(const char* column, const std::string& value,
                                              const std::string& kind) {
  std::optional<StoredRequest> found;
  Status s = db_.Read([&](Connection& c) -> Status {
    auto r = FindRequest(c, column, value);
    if (!r) return r.error();
    found = std::move(*r);
    return {};
  });
  if (!s) return Internal(s.error());
  if (!found || found->kind != kind)
    return ApiFailure{404, "notFound", "No such " + kind + " request.", "request"};
  if (clock_.NowSeconds() > found->expiry) {
    return ApiFailure{410, "requestExpired", "The " + kind + " request has expired.", "request"};
  }
  return std::move(*found);
}

ApiResult<WalletResponse> RequestService::RequestObject(const std::string& kind,
                                                        const std::string& id) {
  auto r = Load("id", id, kind);
  if (!r.ok()) return r.failure();
  if (!r->terminal.empty())
    return ApiFailure{409, "requestCompleted", "The request has already completed.", "request"};
  std::string payload;
  CallbackSpec cb;
  if (kind == "issuance") {
    auto spec = ParseIssuanceRequest(r->body);
    if (!spec.ok()) return spec.failure();
    cb = spec->callback;
    payload = IssuanceRequestObject(*r, *spec);
  } else {
    auto spec = ParsePresentationRequest(r->body);
    if (!spec.ok()) return spec.failure();
    cb = spec->callback;
    payload = PresentationRequestObject(*r, *spec);
  }
  const auto signer = CurrentSigner();
  auto jws = common::SignCompact(signer.key, signer.alg, payload, {"JWT", signer.kid, ""});
  if (!jws) return Internal(jws.error());
  // request_retrieved goes out once, however often the wallet fetches.
  bool queued = false;
  Status s = db_.Transaction([&](Connection& c) -> Status {
    auto cur = FindRequest(c, "id", id);
    if (!cur) return cur.error();
    if (!*cur || (*cur)->retrieved) return {};
    if (auto u = UpdateRequest(c, id, "retrieved", int64_t{1}); !u) return u;
    queued = true;
    const std::string event = SimpleEvent(id, "request_retrieved", cb.state);
    return CallbackOutbox::Enqueue(c, id, "request_retrieved", cb, event, clock_.NowMillis());
  });
  if (!s) return Internal(s.error());
  if (queued) Notify();
  return WalletResponse{200, "application/jwt", *jws};
}

// Records the terminal status and queues its event in one transaction; a
// request that already has one refuses (exactly one terminal event).
ApiResult<Done> RequestService::Finish(const StoredRequest& r, const CallbackSpec& cb,
                                       const std::string& status, const std::string& event_body) {
  bool already = false;
  Status s = db_.Transaction([&](Connection& c) -> Status {
    auto cur = FindRequest(c, "id", r.id);
    if (!cur) return cur.error();
    if (!*cur || !(*cur)->terminal.empty()) {
      already = true;
      return {};
    }
    if (auto u = UpdateRequest(c, r.id, "terminal", status); !u) return u;
    return CallbackOutbox::Enqueue(c, r.id, status, cb, event_body, clock_.NowMillis());
  });
  if (!s) return Internal(s.error());
  if (already)
    return ApiFailure{409, "requestCompleted", "The request has already completed.", "state"};
  Notify();
  return Done{};
}

}  // namespace vc::request_service
