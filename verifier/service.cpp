#include "verifier/service.h"

#include <stdexcept>

#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/base/log.h"
#include "common/base/task_wait.h"
#include "common/http/outbox.h"
#include "verifier/evaluate.h"

namespace vc::verifier {
namespace {

// 503 with Retry-After when the database cannot be reached (it comes back by
// itself), 500 for anything else.
ApiError StorageError(const common::Error& e, const std::string& what) {
  if (common::IsUnavailable(e)) {
    return ApiError{503, "storage_unavailable", "the storage cannot be reached; try again", ""};
  }
  return ApiError{500, "storage_error", "could not " + what + " the request", ""};
}

ApiError BadField(std::string field, std::string message) {
  return ApiError{400, "invalid_request", field + ": " + message, field};
}

const CallbackAnswer kStorageFailed{500, R"({"error":"storage_error","message":"try again"})"};

CallbackAnswer Ignored(const char* why) {
  common::LogInfo("verifier_callback_ignored", {{"reason", why}});
  return CallbackAnswer{200, "{}"};
}

}  // namespace

VerifierService::VerifierService(VerifierOptions options, std::vector<Policy> policies,
                                 common::Database& db, credentials::RequestServiceClient& client,
                                 credentials::DidResolver& resolver,
                                 credentials::StatusChecker& status,
                                 credentials::LinkedDomainChecker& domains,
                                 const common::Clock& clock)
    : options_(std::move(options)),
      policies_(std::move(policies)),
      store_(db),
      client_(client),
      resolver_(resolver),
      status_(status),
      domains_(domains),
      clock_(clock),
      webhooks_(options_.webhook, clock) {
  RegisterPresentationMetrics();
  auto st = common::ApplyMigrations(db, "verifier", VerifierMigrations());
  if (!st) throw std::runtime_error("verifier migration: " + st.error().message);
}

std::optional<ApiError> VerifierService::ResolvePolicy(const std::string& body, Policy& out,
                                                       std::string& protocol) const {
  auto doc = common::ParseJsonObject(body, {256 * 1024, 32});
  if (!doc)
    return ApiError{400, "invalid_request", "the body is not a JSON object: " + doc.error().message,
                    ""};
  protocol = kProtocolEntra;
  if (doc->HasMember("protocol")) {
    const auto p = common::GetString(*doc, "protocol");
    if (!p || (*p != kProtocolEntra && *p != kProtocolOpenId4Vp))
      return BadField("protocol", "must be \"entra\" or \"openid4vp\"");
    protocol = std::string(*p);
  }
  if (!doc->HasMember("policy"))
    return BadField("policy", "is required (a policy id or a policy object)");
  const rapidjson::Value& p = (*doc)["policy"];
  if (p.IsString()) {
    const std::string id(p.GetString(), p.GetStringLength());
    for (const auto& known : policies_) {
      if (known.id == id) {
        out = known;
        return std::nullopt;
      }
    }
    return ApiError{400, "unknown_policy", "policy: no configured policy has the id `" + id + "`",
                    "policy"};
  }
  if (auto f = ParsePolicy(p, "policy.", false, out)) return BadField(f->path, f->message);
  const auto open = OpenIssuerPaths(out, "policy.");
  if (options_.require_accepted_issuers && !open.empty()) {
    return ApiError{400, "accepted_issuers_required",
                    open.front() +
                        ".acceptedIssuers: name the issuer DIDs to accept; without them any "
                        "issuer's credential of this type would be accepted",
                    open.front() + ".acceptedIssuers"};
  }
  return std::nullopt;
}

std::string VerifierService::PresentationBody(const Policy& policy,
                                              const std::string& state) const {
  common::JsonWriter w;
  w->StartObject();
  w.Member("authority", options_.authority);
  w.Member("includeQRCode", false);
  w.Member("includeReceipt", policy.include_receipt);
  w->Key("registration");
  w->StartObject();
  w.Member("clientName", policy.registration.client_name);
  if (!policy.registration.purpose.empty()) {
    w.Member("purpose", policy.registration.purpose);
  }
  w->EndObject();
  w->Key("callback");
  w->StartObject();
  w.Member("url", options_.callback_url);
  w.Member("state", state);
  w->Key("headers");
  w->StartObject();
  w.Member("api-key", options_.callback_api_key);
  w->EndObject();
  w->EndObject();
  w->Key("requestedCredentials");
  credentials::WriteRequestedCredentials(w, policy.requested);
  w->EndObject();
  return w.str();
}

Outcome<CreatedPresentation> VerifierService::Create(const std::string& org,
                                                     const std::string& body) {
  Policy policy;
  std::string protocol;
  if (auto e = ResolvePolicy(body, policy, protocol)) return {std::nullopt, *e};
  const std::string name = policy.id.empty() ? "the policy" : "policy `" + policy.id + "`";
  if (protocol == kProtocolOpenId4Vp) {
    if (!oid4vp_)
      return {
          std::nullopt,
          {400, "protocol_unavailable", "OpenID4VP is not enabled on this verifier", "protocol"}};
    if (policy.sd_jwt.empty())
      return {std::nullopt,
              {400, "policy_protocol_mismatch",
               name + " asks for no dc+sd-jwt credential, which OpenID4VP carries", "protocol"}};
    return oid4vp_->Create(org, policy);
  }
  if (policy.requested.empty())
    return {std::nullopt,
            {400, "policy_protocol_mismatch",
             name + " asks for no jwt_vc_json credential, which the Entra protocol carries; "
                    "use \"protocol\": \"openid4vp\"",
             "protocol"}};
  return CreateEntra(org, policy);
}

Outcome<CreatedPresentation> VerifierService::CreateEntra(const std::string& org,
                                                          const Policy& policy) {
  StoredPresentation row;
  row.id = common::RandomId(16);
  row.org = org;
  row.policy = PolicyJson(policy);
  row.state = common::RandomId(24);
  row.created = clock_.NowSeconds();
  if (auto s = store_.Insert(row); !s) return {std::nullopt, StorageError(s.error(), "store")};
  // No lock is held here: the call may reach this very server (embedded mode).
  auto created = client_.CreatePresentationRequest(PresentationBody(policy, row.state));
  if (!created) {
    (void)store_.Remove(row.id);
    return {std::nullopt, {502, "request_service_error", created.error().message, ""}};
  }
  if (auto s = store_.SetCreated(row.id, created->request_id, created->url, created->expiry); !s) {
    return {std::nullopt, StorageError(s.error(), "store")};
  }
  return {CreatedPresentation{row.id, created->url, created->expiry}, {}};
}

Outcome<std::string> VerifierService::Get(const std::string& org, const std::string& id) {
  auto row = store_.Find("id", id);
  if (!row) return {std::nullopt, StorageError(row.error(), "read")};
  if (!*row || (org != "*" && (*row)->org != org)) {
    return {std::nullopt, {404, "not_found", "no presentation request with this id", ""}};
  }
  return {RequestJson(**row, clock_.NowSeconds()), {}};
}

CallbackAnswer VerifierService::HandleCallback(std::optional<std::string_view> api_key,
                                               const std::string& body) {
  std::optional<std::string> key;
  if (api_key) key.emplace(*api_key);
  return common::WaitServing<CallbackAnswer>([&](common::Executor here) {
    return HandleCallbackTask(std::move(key), body, std::move(here));
  });
}

common::Task<CallbackAnswer> VerifierService::HandleCallbackTask(std::optional<std::string> api_key,
                                                                 std::string body,
                                                                 common::Executor blocking) {
  if (!api_key || !common::ConstantTimeEquals(*api_key, options_.callback_api_key)) {
    co_return CallbackAnswer{401,
                             R"({"error":"unauthorized","message":"api-key wrong or missing"})"};
  }
  auto doc = common::ParseJsonObject(body, {10 << 20, 64});
  if (!doc)
    co_return CallbackAnswer{
        400, R"({"error":"invalid_request","message":"the body is not a JSON object"})"};
  // requestStatus, or the legacy "code" (spec §5.2).
  std::string status(common::GetString(*doc, "requestStatus")
                         .value_or(common::GetString(*doc, "code").value_or("")));
  const auto state = common::GetString(*doc, "state");
  if (!state) co_return Ignored("no_state");
  auto row = co_await store_.FindTask("state", std::string(*state));
  if (!row) co_return kStorageFailed;
  if (!*row || (*row)->protocol != kProtocolEntra) co_return Ignored("unknown_state");
  const auto request_id = common::GetString(*doc, "requestId");
  if (!(*row)->rs_request_id.empty() && request_id && *request_id != (*row)->rs_request_id) {
    co_return Ignored("request_id_mismatch");
  }
  if (status == "request_retrieved") {
    auto changed = co_await store_.MarkRetrievedTask(std::string(*state), clock_.NowSeconds());
    if (!changed) co_return kStorageFailed;
    co_return CallbackAnswer{};
  }
  if (status == "presentation_verified" || status == "presentation_error")
    co_return co_await OnTerminalTask(**row, *doc, status, std::move(blocking));
  co_return Ignored("unknown_status");
}

// The terminal event as recorded: the Request Service's error, or the
// presentation evaluated again against the stored policy.
Evaluation VerifierService::Evaluate(const StoredPresentation& row, const rapidjson::Value& body,
                                     const std::string& status) {
  Evaluation ev;
  if (status == "presentation_error") {
    const auto* err = common::GetObject(body, "error");
    ev.terminal =
        Terminal{status, "", std::string(err ? common::GetString(*err, "code").value_or("") : ""),
                 std::string(err ? common::GetString(*err, "message").value_or("") : "")};
    if (ev.terminal.error_code.empty()) ev.terminal.error_code = "presentation_error";
    return ev;
  }
  auto policy_doc = common::ParseJsonObject(row.policy);
  Policy policy;
  if (!policy_doc || ParsePolicy(*policy_doc, "", false, policy)) {
    ev.terminal =
        Terminal{"presentation_error", "", "policy_unreadable", "the stored policy is unreadable"};
    return ev;
  }
  return EvaluateVerified(
      body, policy,
      EvaluationContext{options_.authority, clock_.NowSeconds(), resolver_, status_, domains_});
}

common::Task<CallbackAnswer> VerifierService::OnTerminalTask(StoredPresentation row,
                                                             const rapidjson::Value& body,
                                                             std::string status,
                                                             common::Executor blocking) {
  if (IsTerminalStatus(row.status)) co_return Ignored("already_terminal");
  // DID resolution, status lists and linked domains are outbound calls that block.
  Evaluation ev = co_await common::RunOn<Evaluation>(
      std::move(blocking), [this, &row, &body, &status] { return Evaluate(row, body, status); });
  auto changed =
      co_await store_.FinishTask(row.state, ev.terminal, ev.nonce, clock_.NowSeconds(),
                                 [this](common::Connection& c, const StoredPresentation& done) {
                                   return webhooks_.Enqueue(c, done);
                                 });
  if (!changed) co_return kStorageFailed;
  if (*changed) {
    CountPresentation(ev.terminal.status);
    webhooks_.Notify();
  }
  common::LogInfo(
      "verifier_presentation_finished",
      {{"id", row.id}, {"status", ev.terminal.status}, {"code", ev.terminal.error_code}});
  co_return CallbackAnswer{};
}

common::Result<int64_t> VerifierService::Purge() {
  return store_.Purge(clock_.NowSeconds() - options_.retention_seconds);
}

}  // namespace vc::verifier
