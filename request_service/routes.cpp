#include "request_service/routes.h"

#include "common/base/json.h"
#include "common/http/media_type.h"
#include "request_service/api_paths.h"
#include "request_service/token_routes.h"

namespace vc::request_service {
using common::HttpServerRequest;
using common::HttpServerResponse;

namespace {

HttpServerResponse Created(const CreatedRequest& c) {
  common::JsonWriter w;
  w->StartObject();
  w.Member("requestId", c.request_id);
  w.Member("url", c.url);
  w.Member("expiry", c.expiry);
  if (!c.qr_code.empty()) {
    w.Member("qrCode", c.qr_code);
  }
  w->EndObject();
  return HttpServerResponse::Json(201, w.str());
}

HttpServerResponse Wallet(const WalletResponse& r) {
  if (r.content_type.empty()) return HttpServerResponse::Text(r.status, "", "text/plain");
  return HttpServerResponse::Text(r.status, r.body, r.content_type);
}

ApiFailure WrongType(std::string_view type) {
  return ApiFailure{415, "unsupportedMediaType", "Content-Type must be " + std::string(type) + ".",
                    ""};
}

// Copied into each handler; the part accessors read the slot at call time.
struct Adapter {
  const RequestServiceSlot* slot;
  const common::Clock* clk;
  std::shared_ptr<ApiPaths> paths;  // aliases and the envelope fallback
  // Only after ready() said yes.
  Requests& requests() const { return slot->parts()->requests; }
  WalletProtocol& wallet() const { return slot->parts()->wallet; }
  Publishing& publishing() const { return slot->parts()->publishing; }
  Verification& verification() const { return slot->parts()->verification; }
  TokenService& tok() const { return slot->parts()->tokens; }
  bool ready() const { return slot->parts() != nullptr; }
  const common::Clock& clock() const { return *clk; }

  HttpServerResponse Fail(const ApiFailure& f, const HttpServerRequest& req) const {
    return EnvelopeResponse(f, req.mscv, clock().NowSeconds());
  }
  // 415 in the envelope when the body is not of `type`.
  std::optional<HttpServerResponse> RequireType(const HttpServerRequest& req,
                                                std::string_view type) const {
    if (common::HasMediaType(req, type)) return std::nullopt;
    return Fail(WrongType(type), req);
  }
  template <typename T, typename F>
  HttpServerResponse Answer(const ApiResult<T>& r, const HttpServerRequest& req, F ok) const {
    return r.ok() ? ok(r.value()) : Fail(r.failure(), req);
  }
  // On the event loop: the token check and validation here, the insert on the
  // storage writer, the 201 from its completion.
  void Create(const HttpServerRequest& req, Operation op,
              const common::HttpResponder& respond) const {
    auto who = tok().Authorize(req.Header("authorization"), op);
    if (!who.ok()) return respond(Fail(who.failure(), req));
    if (auto bad = RequireType(req, common::kJsonMediaType)) return respond(*bad);
    auto done = [a = *this, mscv = req.mscv, respond](ApiResult<CreatedRequest> r) {
      respond(r.ok() ? Created(r.value())
                     : EnvelopeResponse(r.failure(), mscv, a.clock().NowSeconds()));
    };
    if (op == Operation::kIssue) {
      requests().CreateIssuanceAsync(req.body, std::move(done));
    } else {
      requests().CreatePresentationAsync(req.body, std::move(done));
    }
  }
};

template <typename F>
void Add(common::HttpServer& s, const Adapter& a, const char* method, const std::string& path,
         F handler) {
  for (const std::string& p : a.paths->Routed(method, path)) {
    s.Route(method, p, [a, handler](const HttpServerRequest& req) {
      if (!a.ready())
        return a.Fail(ApiFailure{503, "notReady", "The Request Service is starting.", ""}, req);
      return handler(req);
    });
  }
}

// A handler that never blocks (see HttpServer::RouteAsync).
template <typename F>
void AddAsync(common::HttpServer& s, const Adapter& a, const char* method, const std::string& path,
              F handler) {
  for (const std::string& p : a.paths->Routed(method, path)) {
    s.RouteAsync(method, p,
                 [a, handler](const HttpServerRequest& req, const common::HttpResponder& respond) {
                   if (!a.ready()) {
                     return respond(a.Fail(
                         ApiFailure{503, "notReady", "The Request Service is starting.", ""}, req));
                   }
                   handler(req, respond);
                 });
  }
}

template <typename T>
common::Task<ApiResult<T>> Refused(ApiFailure f) {
  co_return f;
}

// Runs `task` and answers its result through `ok`, or its failure in the
// envelope, from whichever thread it finishes on.
template <typename T, typename Ok>
void Answer(const Adapter& a, common::Task<ApiResult<T>> task, Ok ok,
            const common::HttpResponder& respond, const std::string& mscv) {
  common::Start<ApiResult<T>>(
      std::move(task),
      [a, ok, respond, mscv](ApiResult<T> r) {
        respond(r.ok() ? ok(r.value())
                       : EnvelopeResponse(r.failure(), mscv, a.clock().NowSeconds()));
      },
      [a, respond, mscv](std::exception_ptr) {
        respond(EnvelopeResponse(
            ApiFailure{500, "internalError", "The request could not be completed.", ""}, mscv,
            a.clock().NowSeconds()));
      });
}

// A handler written as a coroutine (`task(req)` gives a Task<ApiResult<T>>):
// started on the event loop; no thread waits for its storage.
template <typename F, typename Ok>
void AddTask(common::HttpServer& s, const Adapter& a, const char* method, const std::string& path,
             F task, Ok ok) {
  AddAsync(s, a, method, path,
           [a, task, ok](const HttpServerRequest& req, const common::HttpResponder& respond) {
             Answer(a, task(req), ok, respond, req.mscv);
           });
}

// The server's blocking pool, for the outbound calls of a coroutine (RunOn).
common::Executor Blocking(const common::HttpServer& s) {
  return [&s](std::function<void()> f) { s.RunBlocking(std::move(f)); };
}

void RegisterCreate(common::HttpServer& s, const Adapter& a) {
  AddAsync(s, a, "POST", "/v1.0/verifiableCredentials/createIssuanceRequest",
           [a](const HttpServerRequest& req, const common::HttpResponder& respond) {
             a.Create(req, Operation::kIssue, respond);
           });
  AddAsync(s, a, "POST", "/v1.0/verifiableCredentials/createPresentationRequest",
           [a](const HttpServerRequest& req, const common::HttpResponder& respond) {
             a.Create(req, Operation::kPresent, respond);
           });
}

void RegisterWallet(common::HttpServer& s, const Adapter& a, const std::string& tid) {
  const std::string vc = "/v1.0/tenants/" + tid + "/verifiableCredentials";
  AddTask(
      s, a, "GET", vc + "/issuanceRequests/:id",
      [a](const HttpServerRequest& req) {
        return a.requests().RequestObjectTask("issuance", std::string(req.PathParam("id")));
      },
      Wallet);
  AddTask(
      s, a, "GET", "/v1.0/" + tid + "/verifiableCredentials/presentationRequests/:id",
      [a](const HttpServerRequest& req) {
        return a.requests().RequestObjectTask("presentation", std::string(req.PathParam("id")));
      },
      Wallet);
  Add(s, a, "GET", vc + "/contracts/:cid/manifest", [a](const HttpServerRequest& req) {
    return a.Answer(a.wallet().Manifest(std::string(req.PathParam("cid"))), req, Wallet);
  });
  AddTask(
      s, a, "POST", vc + "/issue",
      [a, blocking = Blocking(s)](const HttpServerRequest& req) {
        return a.wallet().IssueTask(req.body, blocking);
      },
      Wallet);
  Add(s, a, "GET", vc + "/status/:list", [a](const HttpServerRequest& req) {
    return a.Answer(a.publishing().StatusList(std::string(req.PathParam("list"))), req, Wallet);
  });
  AddTask(
      s, a, "POST", "/v1.0/verifiableCredentials/completeIssuance",
      [a](const HttpServerRequest& req) -> common::Task<ApiResult<WalletResponse>> {
        if (!common::HasMediaType(req, common::kJsonMediaType))
          return Refused<WalletResponse>(WrongType(common::kJsonMediaType));
        return a.wallet().CompleteIssuanceTask(req.body);
      },
      Wallet);
  AddTask(
      s, a, "POST", "/v1.0/verifiableCredentials/verifyPresentation",
      [a, blocking = Blocking(s)](
          const HttpServerRequest& req) -> common::Task<ApiResult<WalletResponse>> {
        if (!common::HasMediaType(req, common::kFormMediaType))
          return Refused<WalletResponse>(WrongType(common::kFormMediaType));
        auto form = common::ParseForm(req.body, {256 * 1024, 16});
        if (!form) return Refused<WalletResponse>(BadField("", "The body is not a valid form."));
        return a.verification().VerifyPresentationTask(std::move(*form), blocking);
      },
      Wallet);
}

void RegisterPublished(common::HttpServer& s, const Adapter& a) {
  Add(s, a, "GET", "/.well-known/did.json", [a](const HttpServerRequest&) {
    return HttpServerResponse::Json(200, a.publishing().DidDocument());
  });
  Add(s, a, "GET", "/.well-known/did-configuration.json", [a](const HttpServerRequest&) {
    return HttpServerResponse::Json(200, a.publishing().DidConfiguration());
  });
  auto revoked = [a](const ApiResult<int64_t>& r, const HttpServerRequest& req) {
    return a.Answer(r, req,
                    [](int64_t) { return HttpServerResponse::Text(204, "", "text/plain"); });
  };
  Add(s, a, "POST", "/v1.0/verifiableCredentials/credentials/:id/revoke",
      [a, revoked](const HttpServerRequest& req) {
        auto who = a.tok().Authorize(req.Header("authorization"), Operation::kRevoke);
        if (!who.ok()) return a.Fail(who.failure(), req);
        return revoked(a.publishing().RevokeById(std::string(req.PathParam("id"))), req);
      });
  Add(s, a, "POST", "/v1.0/verifiableCredentials/contracts/:cid/credentials/revoke",
      [a, revoked](const HttpServerRequest& req) {
        auto who = a.tok().Authorize(req.Header("authorization"), Operation::kRevoke);
        if (!who.ok()) return a.Fail(who.failure(), req);
        if (auto bad = a.RequireType(req, common::kJsonMediaType)) return *bad;
        auto body = common::ParseJsonObject(req.body);
        const auto value = body ? common::GetString(*body, "claimValue") : std::nullopt;
        if (!value) return a.Fail(BadField("claimValue", "claimValue must be a string."), req);
        return revoked(a.publishing().RevokeByIndexedClaim(std::string(req.PathParam("cid")),
                                                           std::string(*value)),
                       req);
      });
}

}  // namespace

void RegisterRequestServiceRoutes(common::HttpServer& server, const RequestServiceSlot& slot,
                                  const std::string& tenant_id, const common::Clock& clock) {
  const Adapter a{&slot, &clock, std::make_shared<ApiPaths>()};
  RegisterTokenRoutes(server, slot, clock);
  RegisterCreate(server, a);
  RegisterWallet(server, a, tenant_id);
  RegisterPublished(server, a);
  a.paths->RegisterFallback(server, clock);
}

}  // namespace vc::request_service
