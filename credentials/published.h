// What an issuer publishes beside its DID document, and the checks a verifier
// runs against it over HTTP:
//  - /.well-known/did-configuration.json with a self-issued
//    DomainLinkageCredential per DID (spec §8.3), checked by HttpLinkedDomainChecker;
//  - status list credentials (a VC-JWT of type BitstringStatusListCredential whose
//    credentialSubject.encodedList is a StatusList), checked by HttpStatusChecker.
#pragma once

#include <string>

#include "common/http/http_client.h"
#include "credentials/presentation.h"
#include "credentials/status_list.h"
#include "credentials/vc_jwt.h"

namespace vc::credentials {

// A DomainLinkageCredential JWT: iss = sub = did, credentialSubject {id, origin},
// nbf/exp and issuanceDate/expirationDate.
common::Result<std::string> IssueDomainLinkage(const std::string& did, const std::string& origin,
                                               const Signer& signer, int64_t iat, int64_t exp);
// {"@context": "...did-configuration-v0.0.jsonld", "linked_dids": [jwt]}.
std::string DidConfigurationJson(const std::string& linkage_jwt);

// A signed status list credential for `list` published at `url`: a VC-JWT
// {iss, sub = jti = url, iat, nbf, exp, vc{@context [VCDM 1.1, status/v1],
// type BitstringStatusListCredential, credentialSubject{id = url,
// type BitstringStatusList, statusPurpose revocation, encodedList}}}.
common::Result<std::string> IssueStatusListCredential(const std::string& issuer,
                                                      const std::string& url,
                                                      const StatusList& list, const Signer& signer,
                                                      int64_t iat, int64_t exp);

// Fetches the status list credential (statusListCredential must be http(s)),
// verifies it is signed by the credential's issuer and reads the bit.
class HttpStatusChecker final : public StatusChecker {
 public:
  HttpStatusChecker(common::HttpClient& http, DidResolver& resolver, const common::Clock& clock)
      : http_(http), resolver_(resolver), clock_(clock) {}
  common::Result<bool> IsRevoked(const std::string& issuer, const StatusEntry& entry) override;

 private:
  common::HttpClient& http_;
  DidResolver& resolver_;
  const common::Clock& clock_;
};

// Reads the DID document's LinkedDomains origins, fetches
// {origin}/.well-known/did-configuration.json without following redirects and
// looks for a DomainLinkageCredential signed by the DID for that origin.
class HttpLinkedDomainChecker final : public LinkedDomainChecker {
 public:
  HttpLinkedDomainChecker(common::HttpClient& http, DidResolver& resolver,
                          const common::Clock& clock)
      : http_(http), resolver_(resolver), clock_(clock) {}
  common::Result<std::string> Verify(const std::string& did) override;

 private:
  bool OriginLinked(const std::string& did, const std::string& origin);
  common::HttpClient& http_;
  DidResolver& resolver_;
  const common::Clock& clock_;
};

}  // namespace vc::credentials
