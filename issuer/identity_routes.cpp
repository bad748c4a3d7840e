#include "issuer/identity_routes.h"

#include <map>

#include "common/base/json.h"
#include "issuer/casdoor_envelope.h"

namespace vc::issuer {
using common::HttpServerRequest;
using common::HttpServerResponse;

namespace {

std::optional<std::string> OptionalString(const rapidjson::Value& doc, const char* key, bool* bad) {
  if (!doc.HasMember(key)) return std::nullopt;
  auto v = common::GetString(doc, key);
  if (!v) *bad = true;
  return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
}

// The Casdoor envelope, not RequireJsonContentType's {"error","message"} body.
const ProofingFailure kNotJson{ProofingError::kUnsupportedMediaType,
                               "Content-Type must be application/json", ""};

using Handler = HttpServerResponse (*)(IdentityService&, const Caller&, const HttpServerRequest&);

HttpServerResponse VerifyIdentification(IdentityService& ids, const Caller& c,
                                        const HttpServerRequest& req) {
  auto q = [&](const char* k) { return std::string(req.query.Get(k).value_or("")); };
  auto attempt = ids.Verify(c, q("owner"), q("name"), q("provider"), req.mscv);
  if (!attempt) return Fail(attempt.error());
  if (!IsFinal(attempt->outcome)) {
    common::JsonWriter w;
    w->StartObject();
    w.Member("state", "pending");
    w.Member("redirectUrl", attempt->redirect_url);
    w->EndObject();
    return Envelope(202, "", "verification started", w.str());
  }
  if (attempt->outcome != ProofingOutcome::kVerified) {
    return Envelope(200, "verification_failed", "Identity verification failed",
                    JsonString(std::string(OutcomeName(attempt->outcome))));
  }
  auto record = ids.Get(c, attempt->owner, attempt->name);
  return Envelope(200, "", "", JsonString(record ? record->identity.real_name : ""));
}

HttpServerResponse GetUser(IdentityService& ids, const Caller& c, const HttpServerRequest& req) {
  auto r = ids.Get(c, std::string(req.PathParam("owner")), std::string(req.PathParam("name")));
  return r ? Envelope(200, "", "", IdentityToJson(*r)) : Fail(r.error());
}

HttpServerResponse PatchUser(IdentityService& ids, const Caller& c, const HttpServerRequest& req) {
  if (common::RequireJsonContentType(req)) return Fail(kNotJson);
  auto doc = common::ParseJsonObject(req.body);
  if (!doc) return Fail(Refusal(ProofingError::kInvalidInput, doc.error().message));
  bool bad = false;
  IdentityPatch p;
  p.real_name = OptionalString(*doc, "realName", &bad);
  p.id_card_type = OptionalString(*doc, "idCardType", &bad);
  p.id_card_number = OptionalString(*doc, "idCardNumber", &bad);
  p.sets_verified = doc->HasMember("isVerified");
  if (bad)
    return Fail(
        Refusal(ProofingError::kInvalidInput, "realName, idCardType and idCardNumber are strings"));
  auto r = ids.Update(c, std::string(req.PathParam("owner")), std::string(req.PathParam("name")), p,
                      req.mscv);
  return r ? Envelope(200, "", "", IdentityToJson(*r)) : Fail(r.error());
}

HttpServerResponse ResetUser(IdentityService& ids, const Caller& c, const HttpServerRequest& req) {
  if (common::RequireJsonContentType(req)) return Fail(kNotJson);
  auto doc = common::ParseJsonObject(req.body);
  if (!doc) return Fail(Refusal(ProofingError::kInvalidInput, doc.error().message));
  auto r = ids.Reset(c, std::string(req.PathParam("owner")), std::string(req.PathParam("name")),
                     std::string(common::GetString(*doc, "reason").value_or("")), req.mscv);
  return r ? Envelope(200, "", "", IdentityToJson(*r)) : Fail(r.error());
}

HttpServerResponse TestProvider(IdentityService& ids, const Caller& c,
                                const HttpServerRequest& req) {
  auto st = ids.TestProvider(c, std::string(req.PathParam("name")));
  return st ? Envelope(200, "", "provider reachable, credentials accepted") : Fail(st.error());
}

}  // namespace

void RegisterIdentityRoutes(common::HttpServer& server, IdentityService& ids,
                            const ApiAuthenticator& auth, AuditLog& audit) {
  auto route = [&server, &ids, &auth](const char* method, const char* path, Handler h) {
    server.Route(method, path, [&ids, &auth, h](const HttpServerRequest& req) {
      auto caller = auth.Authenticate(req);
      if (!caller)
        return Fail(Refusal(ProofingError::kUnauthenticated,
                            "sign in, or send Authorization: Bearer <key>"));
      return h(ids, *caller, req);
    });
  };
  route("POST", "/api/verify-identification", VerifyIdentification);
  route("GET", "/api/users/:owner/:name", GetUser);
  route("PATCH", "/api/users/:owner/:name", PatchUser);
  route("POST", "/api/users/:owner/:name/reset-identity", ResetUser);
  route("POST", "/api/providers/:name/test", TestProvider);
  server.Route("GET", "/api/audit", [&auth, &audit](const HttpServerRequest& req) {
    auto caller = auth.Authenticate(req);
    if (!caller)
      return Fail(
          Refusal(ProofingError::kUnauthenticated, "send Authorization: Bearer <admin key>"));
    if (caller->role != CallerRole::kAdmin)
      return Fail(Refusal(ProofingError::kForbidden, "admins only"));
    int64_t after = 0;
    int limit = 100;
    try {
      after = std::stoll(std::string(req.query.Get("after").value_or("0")));
      limit = std::clamp(std::stoi(std::string(req.query.Get("limit").value_or("100"))), 1, 1000);
    } catch (const std::exception&) {
      return Fail(Refusal(ProofingError::kInvalidInput, "after and limit are integers"));
    }
    auto entries = audit.List(after, limit);
    if (!entries) return Fail(FromLower(entries.error()));
    return HttpServerResponse::Json(200, AuditLog::ToJson(*entries));
  });
}

}  // namespace vc::issuer
