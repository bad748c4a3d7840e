#include "issuer/account_issuance_routes.h"

#include "common/base/json.h"
#include "common/base/log.h"
#include "common/http/qr.h"
#include "issuer/casdoor_envelope.h"

namespace vc::issuer {
using common::HttpServerRequest;
using common::HttpServerResponse;

namespace {

struct Ctx {
  IdentityService& identities;
  const ApiAuthenticator& auth;
  IssuanceService& issuance;
  OwnerPlan plan_for;
};

std::string OfferJson(const IssuanceRecord& r) {
  common::JsonWriter w;
  w->StartObject();
  w.Member("id", r.id);
  w.Member("status", std::string(IssuanceStatusName(r.status)));
  w.Member("url", r.url);
  w.Member("qrCode", common::QrCodeDataUri(r.url));
  if (!r.pin.empty()) {
    w.Member("pin", r.pin);
  }
  w.Member("expiry", r.expiry);
  w->EndObject();
  return w.str();
}

HttpServerResponse CreateOffer(Ctx& c, const Caller& caller, const std::string& owner,
                               const std::string& name) {
  auto record = c.identities.Get(caller, owner, name);
  if (!record) return Fail(record.error());
  if (!record->verified) {
    return Fail(Refusal(ProofingError::kNotVerified, "the identity record has not been verified"));
  }
  std::optional<IssuancePlan> plan = c.plan_for(owner);
  if (!plan) {
    return Fail(Refusal(ProofingError::kIssuanceNotConfigured,
                        "no credential is issued for records of " + owner));
  }
  auto offer = c.issuance.Start(IssuanceSubject{"", owner, name}, *plan, AvailableClaims(*record));
  if (!offer) {
    if (offer.error().reason == ProofingError::kMissingClaim) return Fail(offer.error());
    // The Request Service's own words stay in our log (issuance_request_failed).
    constexpr auto kUnavailable = ProofingError::kRequestServiceUnavailable;
    return Envelope(HttpStatus(kUnavailable), std::string(Code(kUnavailable)),
                    "the Request Service did not create the request; try again later");
  }
  return Envelope(201, "", "scan the QR code with a wallet", OfferJson(*offer));
}

HttpServerResponse GetOffer(Ctx& c, const Caller& caller, const std::string& owner,
                            const std::string& name, const std::string& id) {
  auto record = c.identities.Get(caller, owner, name);
  if (!record) return Fail(record.error());
  auto offer = c.issuance.store().Get(id);
  // Another record's offer is as unknown as a missing one.
  if (!offer || offer->subject != owner + "/" + name) {
    return Fail(Refusal(ProofingError::kIssuanceNotFound,
                        "no credential offer with this id for this user"));
  }
  return Envelope(200, "", "", c.issuance.StatusJson(*offer));
}

}  // namespace

void RegisterAccountIssuanceRoutes(common::HttpServer& server, IdentityService& identities,
                                   const ApiAuthenticator& auth, IssuanceService& issuance,
                                   OwnerPlan plan_for) {
  auto ctx = std::make_shared<Ctx>(Ctx{identities, auth, issuance, std::move(plan_for)});
  server.Route("POST", "/api/users/:owner/:name/credential", [ctx](const HttpServerRequest& req) {
    auto caller = ctx->auth.Authenticate(req);
    if (!caller)
      return Fail(
          Refusal(ProofingError::kUnauthenticated, "sign in, or send Authorization: Bearer <key>"));
    return CreateOffer(*ctx, *caller, std::string(req.PathParam("owner")),
                       std::string(req.PathParam("name")));
  });
  server.Route(
      "GET", "/api/users/:owner/:name/credential/:id", [ctx](const HttpServerRequest& req) {
        auto caller = ctx->auth.Authenticate(req);
        if (!caller)
          return Fail(Refusal(ProofingError::kUnauthenticated,
                              "sign in, or send Authorization: Bearer <key>"));
        return GetOffer(*ctx, *caller, std::string(req.PathParam("owner")),
                        std::string(req.PathParam("name")), std::string(req.PathParam("id")));
      });
}

}  // namespace vc::issuer
