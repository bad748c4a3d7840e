#include "issuer/proofing_routes.h"

#include <memory>

#include "common/base/json.h"
#include "common/base/log.h"
#include "common/http/html.h"
#include "common/http/media_type.h"
#include "common/http/task_handler.h"
#include "issuer/intake_routes.h"
#include "issuer/proofing_pages.h"
#include "issuer/session_web.h"

namespace vc::issuer {
using common::HttpServerRequest;
using common::HttpServerResponse;

namespace {

struct Ctx {
  IntakeService& intake;
  ProofingService& proofing;
  SandboxProvider* sandbox;
  ProofingRouteOptions options;
};

std::string Banner(const Ctx& c, const std::string& provider) {
  std::string banner = c.options.banner;
  if (c.proofing.IsSandbox(provider))
    banner = banner.empty() ? kSandboxBanner : banner + " · " + kSandboxBanner;
  return banner;
}

HttpServerResponse StateJson(int status, std::string_view state, std::string_view location) {
  common::JsonWriter w;
  w->StartObject();
  w->Key("state");
  w->String(state.data(), static_cast<rapidjson::SizeType>(state.size()));
  if (!location.empty()) {
    w->Key("location");
    w->String(location.data(), static_cast<rapidjson::SizeType>(location.size()));
  }
  w->EndObject();
  return HttpServerResponse::Json(status, w.str());
}

std::variant<Session, HttpServerResponse> Active(const Ctx& c, const HttpServerRequest& req) {
  return ActiveSession(c.intake, req,
                       [&c](const Session& s) { return Banner(c, c.options.provider_for(s)); });
}

std::string OrgName(const Ctx& c, const Session& s) {
  std::string name = c.options.org_name_for ? c.options.org_name_for(s) : "";
  return name.empty() ? s.org_id : name;
}

HttpServerResponse ShowForm(const Ctx& c, const HttpServerRequest& req, const Session& s,
                            int status, FormView view, const std::string& code = "") {
  if (WantsJson(req)) {
    return status == 200 ? StateJson(200, "form", "")
                         : HttpServerResponse::JsonError(status, code, view.error);
  }
  const std::string provider = c.options.provider_for(s);
  view.session_id = s.id;
  view.org_name = OrgName(c, s);
  view.sandbox = c.proofing.IsSandbox(provider);
  auto page = FormPage(view);
  page.banner = Banner(c, provider);
  return PageResponse(status, page);
}

HttpServerResponse Show(const Ctx& c, const HttpServerRequest& req) {
  auto active = Active(c, req);
  if (auto* resp = std::get_if<HttpServerResponse>(&active)) return std::move(*resp);
  const Session& s = std::get<Session>(active);
  const std::string banner = Banner(c, c.options.provider_for(s));
  auto latest = c.proofing.LatestAttempt(s.id);
  if (!latest) {
    return ErrorResponse(req, 500, "internal_error",
                         "Something went wrong on our side. Reload this page in a minute.", banner);
  }
  const bool retry = req.query.Get("retry") == "1";
  if (!latest->has_value() ||
      (retry && (*latest)->outcome != ProofingOutcome::kVerified && IsFinal((*latest)->outcome))) {
    return ShowForm(c, req, s, 200, {});
  }
  const ProofingAttempt& a = **latest;
  if (WantsJson(req)) return StateJson(200, OutcomeName(a.outcome), "");
  const bool issues = c.options.issues_credential && c.options.issues_credential(s);
  common::PageOptions page =
      IsFinal(a.outcome) ? VerdictPage({s.id, OrgName(c, s), issues}, a) : PendingPage(s.id);
  page.banner = banner;
  return PageResponse(200, page);
}

ClaimedIdentity ClaimedFrom(const common::QueryParams& form) {
  ClaimedIdentity c;
  c.real_name = std::string(form.Get("realName").value_or(""));
  c.id_card_type = std::string(form.Get("idCardType").value_or(""));
  c.id_card_number = std::string(form.Get("idCardNumber").value_or(""));
  return c;
}

constexpr const char* kCheckUnderWay =
    "Your check is already being processed. Go back to the previous page: it shows the result as "
    "soon as it is known.";

// The page for a submission the service refused.
HttpServerResponse SubmitRefused(const Ctx& c, const HttpServerRequest& req, const Session& s,
                                 const SubmitRequest& sr, const ProofingFailure& e) {
  const ClaimedIdentity& claimed = sr.claimed;
  const int status = HttpStatus(e.reason);
  FormView view{"", "", e.message, claimed.real_name, claimed.id_card_type, FieldInError(claimed)};
  // Input the user can correct, and a provider that may come back, show the form again.
  if (e.reason == ProofingError::kInvalidInput) return ShowForm(c, req, s, status, view, Code(e));
  if (e.reason == ProofingError::kProviderUnavailable) {
    view.error = "The verification service is unavailable right now. Please try again.";
    return ShowForm(c, req, s, status, view, Code(e));
  }
  if (e.reason == ProofingError::kStorageUnavailable) {
    view.error = "We cannot save your details right now. Please try again in a moment.";
    return ShowForm(c, req, s, status, view, Code(e));
  }
  // Another submission of this session won the race past the route's check.
  if (e.reason == ProofingError::kCheckPending) {
    return ErrorResponse(req, status, Code(e), kCheckUnderWay, Banner(c, sr.provider));
  }
  // A refusal of an already verified identity is a 409; the user can fix nothing else here.
  const bool verified =
      e.reason == ProofingError::kAlreadyVerified || e.reason == ProofingError::kIdentityLocked;
  return ErrorResponse(req, verified ? status : 500, Code(e),
                       verified
                           ? "This identity is already verified. Go back to the site that sent you."
                           : "Something went wrong on our side. Go back and try again in a minute.",
                       Banner(c, sr.provider));
}

// The routes below are coroutines on the event loop: the session and attempt
// reads run on reader threads and the changes commit with their batches, no
// thread waiting for either; provider calls and the hand-off run on
// `blocking`. Each takes the request (and its context) by value: the frame
// outlives the handler that started it.

// The banner of the pages about a session: its provider's.
SessionBanner BannerFor(const Ctx& c) {
  return [&c](const Session& s) { return Banner(c, c.options.provider_for(s)); };
}

common::Task<HttpServerResponse> Submit(std::shared_ptr<const Ctx> ctx, HttpServerRequest req,
                                        common::Executor blocking) {
  const Ctx& c = *ctx;
  const SessionBanner banner = BannerFor(c);
  auto active = co_await ActiveSessionTask(c.intake, req, banner, blocking);
  if (auto* resp = std::get_if<HttpServerResponse>(&active)) co_return std::move(*resp);
  const Session s = std::get<Session>(std::move(active));
  const FormView unreadable{
      "", "", "The form could not be read. Please fill it in again.", "", "", "", false};
  if (!common::HasMediaType(req, common::kFormMediaType)) {
    co_return ShowForm(c, req, s, 415, unreadable, "unsupported_media_type");
  }
  auto form = common::ParseForm(req.body);
  if (!form) co_return ShowForm(c, req, s, 400, unreadable, "invalid_input");
  const ClaimedIdentity claimed = ClaimedFrom(*form);
  auto latest = co_await c.proofing.LatestAttemptTask(s.id);
  if (latest && latest->has_value() && !IsFinal((*latest)->outcome)) {
    co_return ErrorResponse(req, 409, "proofing_in_progress", kCheckUnderWay, banner(s));
  }
  const auto [owner, name] = RecordKeyFor(s);
  const SubmitRequest sr{s.id,     owner,
                         name,     c.options.provider_for(s),
                         claimed,  "session:" + s.id,
                         req.mscv, c.options.public_base_url + "/proofing/" + s.id + "/return"};
  auto attempt = co_await c.proofing.SubmitTask(sr, std::move(blocking));
  if (!attempt) co_return SubmitRefused(c, req, s, sr, attempt.error());
  const std::string next =
      attempt->redirect_url.empty() ? "/proofing/" + s.id : attempt->redirect_url;
  if (WantsJson(req)) co_return StateJson(200, OutcomeName(attempt->outcome), next);
  co_return HttpServerResponse::Redirect(next);
}

common::Task<HttpServerResponse> Continue(std::shared_ptr<const Ctx> ctx, HttpServerRequest req,
                                          common::Executor blocking) {
  const Ctx& c = *ctx;
  const SessionBanner banner = BannerFor(c);
  auto active = co_await ActiveSessionTask(c.intake, req, banner, blocking);
  if (auto* resp = std::get_if<HttpServerResponse>(&active)) co_return std::move(*resp);
  const Session s = std::get<Session>(std::move(active));
  auto latest = co_await c.proofing.LatestAttemptTask(s.id);
  if (!latest || !latest->has_value() || !IsFinal((*latest)->outcome)) {
    co_return ErrorResponse(req, 409, "proofing_not_finished",
                            "Your check has not finished yet. Go back to the previous page and "
                            "wait for the result.",
                            banner(s));
  }
  const bool verified = (*latest)->outcome == ProofingOutcome::kVerified;
  // The hand-off ends the session, or creates the issuance (the Request
  // Service is called over HTTP): steps that block.
  co_return co_await common::RunOn<HttpServerResponse>(
      std::move(blocking), [&c, &s, verified] { return c.options.hand_off(s, verified); });
}

common::Task<HttpServerResponse> Callback(std::shared_ptr<const Ctx> ctx, HttpServerRequest req,
                                          common::Executor blocking) {
  const CallbackInput in{req.headers, req.body, req.remote_ip};
  const std::string provider(req.PathParam("provider"));
  ProofingStatus st =
      co_await ctx->proofing.HandleCallbackTask(provider, in, req.mscv, std::move(blocking));
  if (st) co_return HttpServerResponse::Json(200, R"({"status":"received"})");
  // The refusals a callback can earn; anything else is ours, a 500 the provider retries.
  const ProofingError r = st.error().reason;
  const bool refused = r == ProofingError::kCallbackUnauthenticated ||
                       r == ProofingError::kUnknownProvider ||
                       r == ProofingError::kAttemptNotFound || r == ProofingError::kInvalidCallback;
  const int status = refused ? HttpStatus(r) : 500;
  co_return HttpServerResponse::JsonError(status, Code(st.error()),
                                          status == 500 ? "internal error" : st.error().message);
}

using Route = common::Task<HttpServerResponse> (*)(std::shared_ptr<const Ctx>, HttpServerRequest,
                                                   common::Executor);

// Registers `route` on the event loop; it answers when it finishes.
void RouteAsync(common::HttpServer& server, const char* method, const char* pattern,
                std::shared_ptr<const Ctx> ctx, Route route) {
  server.RouteAsync(method, pattern,
                    [&server, ctx, route](HttpServerRequest req, common::HttpResponder respond) {
                      common::Executor blocking = [&server](std::function<void()> f) {
                        server.RunBlocking(std::move(f));
                      };
                      auto label = common::HandlerLabel::Of(req);
                      auto task = route(ctx, std::move(req), std::move(blocking));
                      common::RespondWhenDone(
                          std::move(task), [](HttpServerResponse r) { return r; },
                          std::move(respond), std::move(label));
                    });
}

HttpServerResponse UnknownSandboxCheck() {
  return PageResponse(404, {"Unknown check", "<h1>Unknown sandbox check</h1>", kSandboxBanner, ""});
}

void RegisterSandboxPages(common::HttpServer& server, SandboxProvider* sandbox) {
  // Only checks the sandbox started have a page: any other reference is 404, as on POST.
  server.Route("GET", "/sandbox-provider/:ref", [sandbox](const HttpServerRequest& req) {
    const std::string ref(req.PathParam("ref"));
    if (!sandbox->Fetch(ref)) return UnknownSandboxCheck();
    return PageResponse(200, SandboxHostedPage(ref));
  });
  server.Route("POST", "/sandbox-provider/:ref", [sandbox](const HttpServerRequest& req) {
    auto back = sandbox->CompleteHosted(std::string(req.PathParam("ref")));
    if (!back) return UnknownSandboxCheck();
    return HttpServerResponse::Redirect(*back);
  });
}

}  // namespace

ProofingHandOff FinishSessionHandOff(IntakeService& intake) {
  return [&intake](const Session& s, bool verified) {
    auto back = intake.Finish(s.id, verified ? SessionStatus::kVerified : SessionStatus::kFailed);
    if (!back)
      return HttpServerResponse::JsonError(409, back.error().code, "the session has ended");
    return ReturnResponse(*back);
  };
}

void RegisterProofingRoutes(common::HttpServer& server, IntakeService& intake,
                            ProofingService& proofing, SandboxProvider* sandbox,
                            ProofingRouteOptions options) {
  if (!options.hand_off) options.hand_off = FinishSessionHandOff(intake);
  auto ctx = std::make_shared<const Ctx>(Ctx{intake, proofing, sandbox, std::move(options)});
  server.Route("GET", "/proofing/:session",
               [ctx](const HttpServerRequest& r) { return Show(*ctx, r); });
  RouteAsync(server, "POST", "/proofing/:session", ctx, Submit);
  server.Route("GET", "/proofing/:session/return", [](const HttpServerRequest& r) {
    return HttpServerResponse::Redirect("/proofing/" +
                                        common::PercentEncode(r.PathParam("session")));
  });
  RouteAsync(server, "POST", "/proofing/:session/continue", ctx, Continue);
  RouteAsync(server, "POST", "/callbacks/:provider", ctx, Callback);
  if (sandbox) RegisterSandboxPages(server, sandbox);
}

}  // namespace vc::issuer
