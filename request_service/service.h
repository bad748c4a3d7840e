// The embedded Request Service, without HTTP: one Authority (authority.h) and
// the four parts that decide what each endpoint answers. routes.h adapts the
// parts to the server. Endpoints (relative to publicBaseUrl):
//   requests.h:
//     POST /v1.0/verifiableCredentials/createIssuanceRequest | createPresentationRequest
//     GET  /v1.0/tenants/{tid}/verifiableCredentials/issuanceRequests/{id}  (request object)
//     GET  /v1.0/{tid}/verifiableCredentials/presentationRequests/{id}      (request object)
//   wallet_protocol.h:
//     GET  /v1.0/tenants/{tid}/verifiableCredentials/contracts/{cid}/manifest
//     POST /v1.0/tenants/{tid}/verifiableCredentials/issue         (wallet proof -> {"vc"})
//     POST /v1.0/verifiableCredentials/completeIssuance            (202)
//   verification.h:
//     POST /v1.0/verifiableCredentials/verifyPresentation          (form)
//   publishing.h:
//     GET  /v1.0/tenants/{tid}/verifiableCredentials/status/{listId}  (status list VC-JWT)
//     GET  /.well-known/did.json, /.well-known/did-configuration.json
//     revocation (see routes.h)
#pragma once

#include <string>
#include <vector>

#include "credentials/did_resolver.h"
#include "credentials/presentation.h"
#include "request_service/authority.h"
#include "request_service/publishing.h"
#include "request_service/requests.h"
#include "request_service/verification.h"
#include "request_service/wallet_protocol.h"

namespace vc::request_service {

// Builds the Authority and hands out the parts; it decides nothing itself.
class RequestService {
 public:
  // Throws std::runtime_error when the schema or the signing key cannot be
  // set up (startup). Registers the authority's DID document with `resolver`,
  // so our own signatures verify without a round trip; `resolver` must
  // outlive the service.
  RequestService(RequestServiceOptions options, common::Database& db, keys::KeyStore& keys,
                 std::vector<credentials::ContractConfig> contracts,
                 credentials::DidResolver& resolver, credentials::StatusChecker& remote_status,
                 credentials::LinkedDomainChecker& domains, const common::Clock& clock);
  RequestService(const RequestService&) = delete;
  RequestService& operator=(const RequestService&) = delete;

  Authority& authority() { return authority_; }
  const Authority& authority() const { return authority_; }
  Requests& requests() { return requests_; }
  WalletProtocol& wallet() { return wallet_; }
  Publishing& publishing() { return publishing_; }
  Verification& verification() { return verification_; }

 private:
  Authority authority_;
  Requests requests_;
  WalletProtocol wallet_;
  Publishing publishing_;
  Verification verification_;
};

}  // namespace vc::request_service
