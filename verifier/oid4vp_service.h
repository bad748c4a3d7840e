// OpenID for Verifiable Presentations 1.0, served by the verifier itself
// (no Request Service): the application creates a request from a policy's
// dc+sd-jwt credentials (VerifierService::Create with "protocol":
// "openid4vp"); the wallet gets openid4vp://?client_id=…&request_uri=…,
// fetches the signed request object (JAR, typ oauth-authz-req+jwt, client
// identifier decentralized_identifier:<our DID>, response_type vp_token,
// response_mode direct_post, response_uri, nonce, state, dcql_query,
// client_metadata) and posts its vp_token to the response endpoint, which
// verifies it (oid4vp_evaluate.h) and records the result once, with the
// webhook, in the verifier's own tables. Knows nothing of HTTP serving:
// oid4vp_routes.h adapts it.
//
// Our DID is the did:web of {publicBaseUrl}/oid4vp, whose document (every key
// of the key store purpose "verifier", rotated ones too) is served at
// {publicBaseUrl}/oid4vp/did.json.
#pragma once

#include <cstdint>
#include <string>

#include "common/base/clock.h"
#include "common/store/store.h"
#include "credentials/sd_jwt_vc_issuer.h"
#include "credentials/token_status_fetch.h"
#include "keys/key_store.h"
#include "verifier/outcome.h"
#include "verifier/policy.h"
#include "verifier/store.h"
#include "verifier/webhook.h"

namespace vc::verifier {

// The key store purpose of the key that signs our request objects.
inline constexpr const char* kOid4vpKeyPurpose = "verifier";

struct Oid4vpOptions {
  std::string public_base_url;  // no trailing slash
  int64_t request_lifetime_seconds = 300;
  int64_t key_binding_max_age_seconds = 300;  // how old a KB-JWT's iat may be
  int64_t skew_seconds = 60;
};

// What a wallet-facing endpoint answers: status, content type and body (the
// OAuth error shape {"error", "error_description"} for refusals).
struct WalletAnswer {
  int status = 200;
  std::string content_type = "application/json";
  std::string body = "{}";
};

class Oid4vpService {
 public:
  // Creates the signing key on first start; throws std::runtime_error when it
  // cannot. The verifier's migrations must have run (VerifierService does).
  Oid4vpService(Oid4vpOptions options, common::Database& db, keys::KeyStore& keys,
                credentials::SdJwtIssuerKeys& issuer_keys, credentials::TokenStatusFetcher& status,
                Webhooks& webhooks, const common::Clock& clock);

  const std::string& did() const { return did_; }
  // "decentralized_identifier:" + did(): the client_id, and the KB-JWT's aud.
  std::string ClientId() const;

  // A request for `policy`'s dc+sd-jwt credentials (it must have some): stored
  // with its signed request object, nonce and state before the link is returned.
  // 500 storage_error / signing_error.
  Outcome<CreatedPresentation> Create(const std::string& org, const Policy& policy);

  // GET request_uri: the request object (application/oauth-authz-req+jwt);
  // request_created moves to request_retrieved. 404 for an unknown state, 410
  // for a request that expired or was answered.
  WalletAnswer RequestObject(const std::string& state);

  // POST response_uri (form: vp_token and state, or error, error_description and
  // state). 200 {} once the presentation is verified and recorded, or once the
  // wallet's error is recorded; 400 invalid_request for an unknown state, a
  // request already answered (a response is accepted once) or expired, and for
  // a refused presentation (recorded: "<code>: <message>" in error_description);
  // 500 server_error when storage fails.
  WalletAnswer Respond(const std::string& form_body);

  // Our DID document (application/did+json).
  WalletAnswer DidDocument() const;

 private:
  common::Result<std::string> SignRequestObject(const Policy& policy,
                                                const StoredPresentation& row);
  WalletAnswer Record(const StoredPresentation& row, Terminal terminal);

  Oid4vpOptions options_;
  std::string did_;
  PresentationStore store_;
  keys::KeyStore& keys_;
  credentials::SdJwtIssuerKeys& issuer_keys_;
  credentials::TokenStatusFetcher& status_;
  Webhooks& webhooks_;
  const common::Clock& clock_;
};

}  // namespace vc::verifier
