#include "issuer/issuance_routes.h"

#include <algorithm>
#include <memory>

#include "common/base/log.h"
#include "common/http/qr.h"
#include "common/http/task_handler.h"
#include "common/http/url.h"
#include "issuer/intake_routes.h"
#include "issuer/issuance_pages.h"
#include "issuer/session_web.h"

namespace vc::issuer {
using common::HttpServerRequest;
using common::HttpServerResponse;

namespace {

struct Ctx {
  IntakeService& intake;
  IssuanceService& issuance;
  IssuanceRouteOptions options;
};

using Handler = HttpServerResponse (*)(const Ctx&, const HttpServerRequest&, const Session&);

std::string BannerOf(const Ctx& c, const Session& s) {
  return c.options.banner_for ? c.options.banner_for(s) : c.options.banner;
}

// Runs `handler` for an active session of this browser whose proofing verified it.
HttpServerResponse WithVerifiedSession(const Ctx& c, const HttpServerRequest& req,
                                       Handler handler) {
  auto active = ActiveSession(c.intake, req, [&c](const Session& s) { return BannerOf(c, s); });
  if (auto* resp = std::get_if<HttpServerResponse>(&active)) return std::move(*resp);
  const Session& s = std::get<Session>(active);
  if (!c.options.claims_for(s)) {
    return ErrorResponse(req, 409, "not_verified",
                         "Your identity has not been verified yet. Go back to the identity check "
                         "and finish it first.",
                         BannerOf(c, s));
  }
  return handler(c, req, s);
}

std::string PageUrl(const Session& s) { return "/issuance/" + common::PercentEncode(s.id); }

// The session's latest request and the status the user sees ("none", "expired", …).
std::pair<std::optional<IssuanceRecord>, std::string> Latest(const Ctx& c, const Session& s) {
  auto latest = c.issuance.store().LatestForSession(s.id);
  if (!latest || !*latest) return {std::nullopt, "none"};
  const IssuanceRecord& r = **latest;
  return {r, r.Expired(c.issuance.Now()) ? "expired" : std::string(IssuanceStatusName(r.status))};
}

// The session's latest OpenID4VCI offer and what it says ("none", "expired", …).
std::pair<std::optional<Offer>, std::string> LatestOffer(const Ctx& c, const Session& s) {
  if (!c.options.oid4vci) return {std::nullopt, "none"};
  auto latest = c.options.oid4vci->store().LatestForSession(s.id);
  if (!latest || !*latest) return {std::nullopt, "none"};
  const Offer& o = **latest;
  return {o, o.Expired(c.issuance.Now()) ? "expired" : std::string(OfferStatusName(o.status))};
}

// Both codes of a session and the state the page shows: the Entra request's,
// moved on by the offer (a credential taken over OpenID4VCI is a success; a
// contract issued as dc+sd-jwt only has no Entra request, and the offer decides).
struct Current {
  std::optional<IssuanceRecord> record;
  std::optional<Offer> offer;
  std::string offer_state;
  std::string page;
};

Current CurrentCodes(const Ctx& c, const Session& s) {
  Current now;
  std::tie(now.record, now.page) = Latest(c, s);
  std::tie(now.offer, now.offer_state) = LatestOffer(c, s);
  if (now.offer_state == "credential_issued") {
    now.page = "issuance_successful";
  } else if (!now.record && now.offer) {
    const bool waits = now.offer_state == "offer_created" || now.offer_state == "token_issued";
    now.page = waits                         ? "request_created"
               : now.offer_state == "failed" ? "issuance_error"
                                             : "expired";
  }
  return now;
}

// Creates the session's codes: an Entra request when the contract lists
// jwt_vc_json, an OpenID4VCI offer when it lists dc+sd-jwt. Fails only when
// neither could be created (the first failure).
ProofingStatus StartCodes(const Ctx& c, const Session& s, const IssuancePlan& plan,
                          const std::map<std::string, std::string>& claims) {
  const auto [owner, name] = RecordKeyFor(s);
  const IssuanceSubject who{s.id, owner, name};
  // One press, one offer: the codes of every format pass the record's gate together.
  auto group = c.issuance.OpenOffer(who);
  if (!group) return group.error();
  std::optional<ProofingFailure> failure;
  int64_t until = 0;
  if (plan.contract.Issues(credentials::kFormatJwtVcJson)) {
    auto created = c.issuance.Start(who, plan, claims, *group);
    if (created) until = std::max(until, created->expiry);
    if (!created) failure = created.error();
  }
  if (c.options.oid4vci && plan.contract.Issues(credentials::kFormatSdJwtVc)) {
    auto offer = c.options.oid4vci->CreateOffer(who, plan.contract, claims);
    if (offer) until = std::max(until, offer->expiry);
    if (!offer && !failure) failure = offer.error();
  }
  if (until > 0) {
    c.issuance.HoldOffer(who, *group, until);
    return {};
  }
  c.issuance.AbandonOffer(who, *group);
  if (failure) return *failure;
  return Refusal(ProofingError::kIssuanceNotConfigured, "no format of the contract is offered");
}

HttpServerResponse Render(const Ctx& c, const Session& s, int status,
                          const std::string& error = "") {
  Current now = CurrentCodes(c, s);
  IssuanceView view{
      s.id,  c.options.org_name_for(s),         now.page, now.record ? &*now.record : nullptr,
      error, now.offer ? &*now.offer : nullptr, "",       now.offer_state};
  if (now.offer) view.offer_url = c.options.oid4vci->OfferUrl(*now.offer);
  auto page = IssuancePage(view);
  page.banner = BannerOf(c, s);
  auto resp = PageResponse(status, page);
  resp.SetHeader("Cache-Control", "no-store");
  return resp;
}

// Creates a request; the page shows it, or why it could not be created.
HttpServerResponse CreateAndShow(const Ctx& c, const HttpServerRequest& req, const Session& s) {
  auto plan = c.options.plan_for(s);
  auto claims = c.options.claims_for(s);
  if (!plan || !claims) {
    return ErrorResponse(req, 409, "issuance_not_configured",
                         "No credential is issued for this verification. Your identity is "
                         "verified: go back to the site that sent you.",
                         BannerOf(c, s));
  }
  auto created = StartCodes(c, s, *plan, *claims);
  if (!created) {
    switch (created.error().reason) {
      case ProofingError::kMissingClaim:
        return Render(c, s, 409, "Your verified identity lacks a detail this credential needs.");
      case ProofingError::kOfferInProgress:
        return Render(c, s, 409,
                      "A code for your identity is already waiting for a wallet. Use it, or wait "
                      "until it expires.");
      case ProofingError::kOfferLimitReached:
        return Render(c, s, 429,
                      "Too many codes were made for your identity. Please try again later.");
      default:
        return Render(c, s, 503, "We could not reach the credential service. Please try again.");
    }
  }
  return HttpServerResponse::Redirect(PageUrl(s));
}

HttpServerResponse Show(const Ctx& c, const HttpServerRequest&, const Session& s) {
  return Render(c, s, 200);
}

HttpServerResponse New(const Ctx& c, const HttpServerRequest& req, const Session& s) {
  const std::string state = CurrentCodes(c, s).page;
  if (state == "request_created" || state == "request_retrieved" ||
      state == "issuance_successful") {
    return HttpServerResponse::Redirect(PageUrl(s));  // the current code still works
  }
  return CreateAndShow(c, req, s);
}

HttpServerResponse Qr(const Ctx& c, const HttpServerRequest& req, const Session& s) {
  auto [record, state] = Latest(c, s);
  if (!record || (state != "request_created" && state != "request_retrieved")) {
    return ErrorResponse(req, 404, "no_active_code",
                         "There is no code to scan right now. Go back to the credential page "
                         "and get a new code.",
                         BannerOf(c, s));
  }
  auto resp = HttpServerResponse::Text(200, common::QrCodePng(record->url, 8), "image/png");
  resp.SetHeader("Cache-Control", "no-store");
  return resp;
}

HttpServerResponse Finish(const Ctx& c, const HttpServerRequest& req, const Session& s,
                          SessionStatus status) {
  auto back = c.intake.Finish(s.id, status);
  if (!back)
    return ErrorResponse(req, 409, back.error().code,
                         "This verification has already ended. You can close this tab.",
                         BannerOf(c, s));
  return ReturnResponse(*back);
}

HttpServerResponse Continue(const Ctx& c, const HttpServerRequest& req, const Session& s) {
  if (CurrentCodes(c, s).page != "issuance_successful") {
    return ErrorResponse(req, 409, "issuance_not_finished",
                         "Your credential has not been added yet. Go back to the previous page "
                         "and scan the code with your wallet.",
                         BannerOf(c, s));
  }
  return Finish(c, req, s, SessionStatus::kIssued);
}

HttpServerResponse Skip(const Ctx& c, const HttpServerRequest& req, const Session& s) {
  return Finish(c, req, s, SessionStatus::kVerified);
}

HttpServerResponse RequestStatus(const Ctx& c, const HttpServerRequest& req) {
  const std::string id(req.query.Get("id").value_or(""));
  auto record = c.issuance.store().Get(id);
  if (!record)
    return HttpServerResponse::JsonError(404, "request_not_found",
                                         "no issuance request with this id");
  const std::string& sid = record->session_id;
  auto s = c.intake.sessions().Authenticate(sid, req.Cookie(IntakeService::CookieName(sid)));
  if (!s)
    return HttpServerResponse::JsonError(403, "session_forbidden",
                                         "this request belongs to another browser");
  auto resp = HttpServerResponse::Json(200, c.issuance.StatusJson(*record));
  resp.SetHeader("Cache-Control", "no-store");
  return resp;
}

HttpServerResponse OfferStatusJson(const Ctx& c, const HttpServerRequest& req) {
  const std::string id(req.query.Get("id").value_or(""));
  auto offer = c.options.oid4vci ? c.options.oid4vci->store().GetOffer(id)
                                 : common::Result<std::optional<Offer>>(std::optional<Offer>());
  if (!offer || !*offer || (*offer)->session_id.empty())
    return HttpServerResponse::JsonError(404, "offer_not_found",
                                         "no credential offer with this id");
  const std::string& sid = (*offer)->session_id;
  auto s = c.intake.sessions().Authenticate(sid, req.Cookie(IntakeService::CookieName(sid)));
  if (!s)
    return HttpServerResponse::JsonError(403, "session_forbidden",
                                         "this offer belongs to another browser");
  auto resp = HttpServerResponse::Json(200, c.options.oid4vci->StatusJson(**offer));
  resp.SetHeader("Cache-Control", "no-store");
  return resp;
}

HttpServerResponse CallbackResponse(CallbackResult result) {
  switch (result) {
    case CallbackResult::kUnauthenticated:
      return HttpServerResponse::JsonError(401, "unauthorized", "api-key wrong or missing");
    case CallbackResult::kMalformed:
      return HttpServerResponse::JsonError(400, "invalid_body",
                                           "the callback body is not a JSON object");
    case CallbackResult::kStorageError:
      // 5xx: the Request Service's outbox retries; a 4xx would drop the event.
      return HttpServerResponse::JsonError(500, "storage_error",
                                           "the event was not recorded; try again");
    default:
      // Unknown states and statuses too: a non-2xx answer breaks the wallet (spec §5.1).
      return HttpServerResponse::Json(200, R"({"status":"received"})");
  }
}

// On the event loop: the lookup on a reader thread, the change committed with
// its batch, the answer from the commit's completion.
void Callback(const common::HttpServer& server, const Ctx& c, const HttpServerRequest& req,
              const common::HttpResponder& respond) {
  common::Executor blocking = [&server](std::function<void()> f) {
    server.RunBlocking(std::move(f));
  };
  common::RespondWhenDone(
      c.issuance.HandleCallbackTask(std::string(req.Header("api-key").value_or("")), req.body,
                                    req.mscv, std::move(blocking)),
      CallbackResponse, respond, common::HandlerLabel::Of(req));
}

}  // namespace

void RegisterIssuanceRoutes(common::HttpServer& server, IntakeService& intake,
                            IssuanceService& issuance, IssuanceRouteOptions options) {
  auto ctx = std::make_shared<Ctx>(Ctx{intake, issuance, std::move(options)});
  auto route = [&server, ctx](const char* method, const char* path, Handler h) {
    server.Route(method, path,
                 [ctx, h](const HttpServerRequest& r) { return WithVerifiedSession(*ctx, r, h); });
  };
  route("GET", "/issuance/:session", Show);
  route("GET", "/issuance/:session/qr.png", Qr);
  route("POST", "/issuance/:session/new", New);
  route("POST", "/issuance/:session/continue", Continue);
  route("POST", "/issuance/:session/skip", Skip);
  server.Route("GET", "/api/issuer/request-status",
               [ctx](const HttpServerRequest& r) { return RequestStatus(*ctx, r); });
  server.Route("GET", "/api/issuer/offer-status",
               [ctx](const HttpServerRequest& r) { return OfferStatusJson(*ctx, r); });
  server.RouteAsync(
      "POST", "/api/issuer/callback",
      [&server, ctx](const HttpServerRequest& r, const common::HttpResponder& respond) {
        Callback(server, *ctx, r, respond);
      });
}

ProofingHandOff IssuanceHandOff(IntakeService& intake, IssuanceService& issuance,
                                IssuanceRouteOptions options) {
  auto ctx = std::make_shared<Ctx>(Ctx{intake, issuance, std::move(options)});
  ProofingHandOff finish = FinishSessionHandOff(intake);
  return [ctx, finish](const Session& s, bool verified) {
    auto plan = verified ? ctx->options.plan_for(s) : std::nullopt;
    if (!plan) return finish(s, verified);
    // Created or not, the issuance page takes it from here (it offers a retry).
    auto claims = ctx->options.claims_for(s);
    if (claims) {
      auto created = StartCodes(*ctx, s, *plan, *claims);
      if (!created)
        common::LogWarn("issuance_not_created", {{"session", s.id},
                                                 {"error", Code(created.error())},
                                                 {"cause", created.error().cause}});
    }
    return HttpServerResponse::Redirect(PageUrl(s));
  };
}

}  // namespace vc::issuer
