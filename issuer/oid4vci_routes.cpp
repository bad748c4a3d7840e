#include "issuer/oid4vci_routes.h"

#include "common/http/media_type.h"
#include "issuer/oid4vci_metadata.h"

namespace vc::issuer {
using common::HttpServerRequest;
using common::HttpServerResponse;

namespace {

HttpServerResponse Answer(const Oid4vciResult<std::string>& r,
                          std::string content_type = "application/json") {
  if (!r) return ErrorResponse(r.error());
  auto resp = HttpServerResponse::Text(200, *r, std::move(content_type));
  resp.SetHeader("Cache-Control", "no-store");
  return resp;
}

HttpServerResponse Metadata(std::string json) {
  auto resp = HttpServerResponse::Json(200, std::move(json));
  resp.SetHeader("Cache-Control", "max-age=300");
  return resp;
}

HttpServerResponse Token(Oid4vciService& s, const HttpServerRequest& req) {
  if (!common::HasMediaType(req, common::kFormMediaType))
    return ErrorResponse({Oid4vciError::kInvalidRequest,
                          "send the token request as application/x-www-form-urlencoded"});
  auto form = common::ParseForm(req.body);
  if (!form) return ErrorResponse({Oid4vciError::kInvalidRequest, form.error().message});
  return Answer(s.Token(*form, req.mscv));
}

HttpServerResponse Credential(Oid4vciService& s, const HttpServerRequest& req) {
  const std::string_view authorization = req.Header("authorization").value_or("");
  if (!common::HasMediaType(req, common::kJsonMediaType))
    return ErrorResponse({Oid4vciError::kInvalidCredentialRequest,
                          "send the credential request as application/json"});
  return Answer(s.Credential(authorization, req.body, req.mscv));
}

}  // namespace

void RegisterOid4vciRoutes(common::HttpServer& server, Oid4vciService& s) {
  server.Route("GET", "/.well-known/openid-credential-issuer",
               [&s](const HttpServerRequest&) { return Metadata(s.IssuerMetadata()); });
  server.Route("GET", "/.well-known/oauth-authorization-server", [&s](const HttpServerRequest&) {
    return Metadata(s.AuthorizationServerMetadata());
  });
  server.Route("GET", "/.well-known/jwt-vc-issuer",
               [&s](const HttpServerRequest&) { return Metadata(s.JwtVcIssuerMetadata()); });
  server.Route("GET", "/oid4vci/types/:contract", [&s](const HttpServerRequest& r) {
    return Answer(s.TypeMetadata(std::string(r.PathParam("contract"))));
  });
  server.Route("GET", "/oid4vci/offers/:id", [&s](const HttpServerRequest& r) {
    return Answer(s.CredentialOffer(std::string(r.PathParam("id"))));
  });
  server.Route("POST", kOid4vciTokenPath, [&s](const HttpServerRequest& r) { return Token(s, r); });
  server.Route("POST", kOid4vciNoncePath,
               [&s](const HttpServerRequest&) { return Answer(s.Nonce()); });
  server.Route("POST", kOid4vciCredentialPath,
               [&s](const HttpServerRequest& r) { return Credential(s, r); });
  server.Route("GET", "/oid4vci/status-lists/:id", [&s](const HttpServerRequest& r) {
    return Answer(s.StatusListToken(std::string(r.PathParam("id"))), "application/statuslist+jwt");
  });
}

}  // namespace vc::issuer
