// Creating requests, storing them, and signing their request objects.
#include "request_service/requests.h"

#include "common/base/await.h"
#include "common/base/base64url.h"
#include "common/base/crypto.h"
#include "common/http/qr.h"
#include "common/jose/jws.h"
#include "common/store/store_await.h"
#include "request_service/events.h"
#include "request_service/outbox.h"

namespace vc::request_service {
using common::Connection;
using common::Status;

namespace {

std::optional<ApiFailure> RefusedCallback(const RequestServiceOptions& o, const std::string& url) {
  if (!o.callback_policy || url.rfind(o.public_base_url + "/", 0) == 0) return std::nullopt;
  auto checked = common::CheckOutboundUrl(*o.callback_policy, url);
  if (checked) return std::nullopt;
  return BadField("callback.url",
                  "The callback URL is not allowed: " + checked.error().message +
                      ". Callbacks go only to https URLs in production, and never to loopback, "
                      "private or link-local addresses unless the service's outbound.allow "
                      "lists them.");
}

}  // namespace

ApiResult<StoredRequest> Requests::PrepareIssuance(const std::string& body, bool* qr) {
  const auto& options = authority_.options();
  auto spec = ParseIssuanceRequest(body);
  if (!spec.ok()) return spec.failure();
  if (spec->authority != options.authority) {
    return BadField("authority", "The request does not contain a valid authority DID.");
  }
  if (auto f = RefusedCallback(options, spec->callback.url)) return *f;
  const auto* contract = authority_.ContractForManifest(spec->manifest);
  if (!contract)
    return BadField("manifest", "The manifest URL does not name a contract of this service.");
  if (auto claims = contract->MapClaims(spec->claims); !claims) {
    const auto& msg = claims.error().message;
    const auto start = msg.find('`') + 1;
    return BadField("claims." + msg.substr(start, msg.find('`', start) - start), msg);
  }
  if (spec->expiration_date && *spec->expiration_date <= authority_.clock().NowSeconds()) {
    return BadField("expirationDate", "expirationDate must be in the future.");
  }
  StoredRequest r;
  r.kind = "issuance";
  r.body = body;
  r.pin_salt =
      spec->pin ? (spec->pin->hashed ? spec->pin->salt : common::HexEncode(common::RandomBytes(16)))
                : "";
  *qr = spec->include_qr;
  return r;
}

ApiResult<StoredRequest> Requests::PreparePresentation(const std::string& body, bool* qr) {
  const auto& options = authority_.options();
  auto spec = ParsePresentationRequest(body);
  if (!spec.ok()) return spec.failure();
  if (spec->authority != options.authority) {
    return BadField("authority", "The request does not contain a valid authority DID.");
  }
  if (auto f = RefusedCallback(options, spec->callback.url)) return *f;
  StoredRequest r;
  r.kind = "presentation";
  r.body = body;
  *qr = spec->include_qr;
  return r;
}

void Requests::CreateIssuanceAsync(const std::string& body, CreatedDone done) {
  bool qr = false;
  auto r = PrepareIssuance(body, &qr);
  if (!r.ok()) return done(r.failure());
  Store(std::move(r.value()), qr,
        "/v1.0/tenants/" + authority_.options().tenant_id +
            "/verifiableCredentials/issuanceRequests/",
        std::move(done));
}

void Requests::CreatePresentationAsync(const std::string& body, CreatedDone done) {
  bool qr = false;
  auto r = PreparePresentation(body, &qr);
  if (!r.ok()) return done(r.failure());
  Store(std::move(r.value()), qr,
        "/v1.0/" + authority_.options().tenant_id + "/verifiableCredentials/presentationRequests/",
        std::move(done));
}

ApiResult<CreatedRequest> Requests::CreateIssuance(const std::string& body) {
  return common::Await<ApiResult<CreatedRequest>>(
      [&](CreatedDone done) { CreateIssuanceAsync(body, std::move(done)); });
}

void Requests::Store(StoredRequest r, bool qr, const std::string& path, CreatedDone done) {
  // One RAND_bytes for three values: the id's random bits, the wallet's state
  // and nonce. The id and the state (both indexed) start with the time.
  const std::string random = common::RandomBytes(10 + 24 + 16);
  const std::string_view bytes(random);
  const int64_t millis = authority_.clock().NowMillis();
  r.id = NewUuidV7(millis, bytes.substr(0, 10));
  r.wallet_state =
      common::SortableTimePrefix(millis) + common::Base64UrlEncode(bytes.substr(10, 24));
  r.nonce = common::Base64UrlEncode(bytes.substr(34, 16));
  r.created = authority_.clock().NowSeconds();
  r.expiry = r.created + authority_.options().request_lifetime_seconds;
  CreatedRequest out;
  out.request_id = r.id;
  // The raw https URL after request_uri=, as Microsoft's examples and samples expect (spec §10).
  out.url = "openid-vc://?request_uri=" + authority_.options().public_base_url + path + r.id;
  out.expiry = r.expiry;
  // Before the commit, so that the writer thread only commits and answers.
  if (qr) out.qr_code = common::QrCodeDataUri(out.url);
  authority_.db().Submit([r = std::move(r)](Connection& c) { return InsertRequest(c, r); },
                         [out = std::move(out), done = std::move(done)](Status s) mutable {
                           if (!s) return done(StorageFailure(s.error()));
                           done(std::move(out));
                         });
}

ApiResult<std::string> Requests::SignedRequestObject(const std::string& kind,
                                                     const StoredRequest& r, CallbackSpec* cb) {
  if (!r.terminal.empty())
    return ApiFailure{409, "requestCompleted", "The request has already completed.", "request"};
  std::string payload;
  if (kind == "issuance") {
    auto spec = ParseIssuanceRequest(r.body);
    if (!spec.ok()) return spec.failure();
    *cb = spec->callback;
    payload = IssuanceRequestObject(r, *spec);
  } else {
    auto spec = ParsePresentationRequest(r.body);
    if (!spec.ok()) return spec.failure();
    *cb = spec->callback;
    payload = PresentationRequestObject(r, *spec);
  }
  const auto signer = authority_.CurrentSigner();
  auto jws = common::SignCompact(signer.key, signer.alg, payload, {"JWT", signer.kid, ""});
  if (!jws) return StorageFailure(jws.error());
  return std::move(*jws);
}

// request_retrieved goes out once, however often the wallet fetches.
common::Database::Work Requests::RetrievedWork(const std::string& id, const CallbackSpec& cb,
                                               bool* queued) const {
  return [this, &id, &cb, queued](Connection& c) -> Status {
    *queued = false;
    auto cur = FindRequest(c, "id", id, true);
    if (!cur) return cur.error();
    if (!*cur || (*cur)->retrieved) return {};
    if (auto u = UpdateRequest(c, id, "retrieved", int64_t{1}); !u) return u;
    *queued = true;
    const std::string event = SimpleEvent(id, "request_retrieved", cb.state);
    return CallbackOutbox::Enqueue(c, id, "request_retrieved", cb, event,
                                   authority_.clock().NowMillis());
  };
}

ApiResult<WalletResponse> Requests::RequestObject(const std::string& kind, const std::string& id) {
  return common::Wait(RequestObjectTask(kind, id));
}

common::Task<ApiResult<WalletResponse>> Requests::RequestObjectTask(std::string kind,
                                                                    std::string id) {
  auto r = co_await authority_.LoadTask("id", id, kind);
  if (!r.ok()) co_return r.failure();
  CallbackSpec cb;
  auto jws = SignedRequestObject(kind, *r, &cb);
  if (!jws.ok()) co_return jws.failure();
  bool queued = false;
  Status s = co_await common::AwaitCommit(authority_.db(), RetrievedWork(id, cb, &queued));
  if (!s) co_return StorageFailure(s.error());
  if (queued) authority_.Notify();
  co_return WalletResponse{200, "application/jwt", std::move(*jws)};
}

}  // namespace vc::request_service
