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
  Oid4vciService* oid4vci;
  OwnerPlan plan_for;
};

// The requested format: the body's "format" (an empty body is the Entra path).
ProofingResult<std::string> RequestedFormat(const HttpServerRequest& req) {
  if (req.body.find_first_not_of(" \t\r\n") == std::string::npos)
    return std::string(credentials::kFormatJwtVcJson);
  if (auto bad = common::RequireJsonContentType(req))
    return Refusal(ProofingError::kUnsupportedMediaType, "send the body as application/json");
  auto body = common::ParseJsonObject(req.body);
  if (!body) return Refusal(ProofingError::kInvalidInput, "the body is not a JSON object");
  if (!body->HasMember("format")) return std::string(credentials::kFormatJwtVcJson);
  auto format = common::GetString(*body, "format");
  if (!format) return Refusal(ProofingError::kInvalidInput, "format must be a string");
  if (*format != credentials::kFormatJwtVcJson && *format != credentials::kFormatSdJwtVc)
    return Refusal(ProofingError::kUnsupportedCredentialFormat,
                   "format must be \"jwt_vc_json\" or \"dc+sd-jwt\"");
  return std::string(*format);
}

std::string Oid4vciOfferJson(const Oid4vciService& s, const Offer& o) {
  const std::string url = s.OfferUrl(o);
  common::JsonWriter w;
  w->StartObject();
  w.Member("id", o.id);
  w.Member("status", std::string(OfferStatusName(o.status)));
  w.Member("format", credentials::kFormatSdJwtVc);
  w.Member("url", url);
  w.Member("qrCode", common::QrCodeDataUri(url));
  if (!o.tx_code.empty()) w.Member("txCode", o.tx_code);
  w.Member("expiry", o.expiry);
  w->EndObject();
  return w.str();
}

// The record's offer gate said no (offer_gate.h): 409 while an offer is live,
// 429 with Retry-After past the record's limit.
HttpServerResponse GateRefused(const ProofingFailure& f) {
  auto refused = Fail(f);
  if (f.reason == ProofingError::kOfferLimitReached) refused.SetHeader("Retry-After", f.cause);
  return refused;
}

HttpServerResponse CreateSdJwtOffer(Ctx& c, const std::string& owner, const std::string& name,
                                    const IssuancePlan& plan, const IdentityRecord& record) {
  if (!c.oid4vci || !plan.contract.Issues(credentials::kFormatSdJwtVc)) {
    return Fail(Refusal(ProofingError::kUnsupportedCredentialFormat,
                        "contract " + plan.contract.id + " is not issued as dc+sd-jwt"));
  }
  const IssuanceSubject who{"", owner, name};
  auto group = c.issuance.OpenOffer(who);
  if (!group) return GateRefused(group.error());
  auto offer = c.oid4vci->CreateOffer(who, plan.contract, AvailableClaims(record));
  if (!offer) {
    c.issuance.AbandonOffer(who, *group);
    return Fail(offer.error());
  }
  c.issuance.HoldOffer(who, *group, offer->expiry);
  return Envelope(201, "", "scan the QR code with a wallet and enter the transaction code",
                  Oid4vciOfferJson(*c.oid4vci, *offer));
}

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
                               const std::string& name, const HttpServerRequest& req) {
  auto format = RequestedFormat(req);
  if (!format) return Fail(format.error());
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
  if (*format == credentials::kFormatSdJwtVc)
    return CreateSdJwtOffer(c, owner, name, *plan, *record);
  auto offer = c.issuance.Start(IssuanceSubject{"", owner, name}, *plan, AvailableClaims(*record));
  if (!offer) {
    const ProofingError why = offer.error().reason;
    if (why == ProofingError::kMissingClaim || why == ProofingError::kOfferInProgress ||
        why == ProofingError::kOfferLimitReached) {
      return GateRefused(offer.error());
    }
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
  if (c.oid4vci && id.starts_with("of_")) {
    auto found = c.oid4vci->store().GetOffer(id);
    if (!found) return Fail(FromLower(found.error()));
    if (!*found || (*found)->subject != owner + "/" + name) {
      return Fail(Refusal(ProofingError::kIssuanceNotFound,
                          "no credential offer with this id for this user"));
    }
    return Envelope(200, "", "", c.oid4vci->StatusJson(**found));
  }
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
                                   Oid4vciService* oid4vci, OwnerPlan plan_for) {
  auto ctx = std::make_shared<Ctx>(Ctx{identities, auth, issuance, oid4vci, std::move(plan_for)});
  server.Route("POST", "/api/users/:owner/:name/credential", [ctx](const HttpServerRequest& req) {
    auto caller = ctx->auth.Authenticate(req);
    if (!caller)
      return Fail(
          Refusal(ProofingError::kUnauthenticated, "sign in, or send Authorization: Bearer <key>"));
    return CreateOffer(*ctx, *caller, std::string(req.PathParam("owner")),
                       std::string(req.PathParam("name")), req);
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
