// The holder side of OpenID4VCI 1.0, pre-authorized code flow (what vcwallet
// speaks besides the Entra wallet protocol): resolve an
// openid-credential-offer:// link (credential_offer_uri, or credential_offer
// by value), read the issuer's and its authorization server's metadata,
// redeem the code with the tx_code, fetch a nonce, prove possession of the
// holder key (did:jwk kid) and receive an SD-JWT VC, which is verified against
// the issuer's /.well-known/jwt-vc-issuer keys before it is kept.
#pragma once

#include <string>

#include "common/base/clock.h"
#include "common/base/result.h"
#include "common/http/http_client.h"
#include "credentials/holder.h"

namespace vc::credentials {

// The credential offer URI of an openid-credential-offer:// link, or ""
// when the link carries the offer by value (credential_offer=…, then in
// `offer_json`). Error "bad_link".
common::Result<std::string> CredentialOfferFromLink(const std::string& link,
                                                    std::string* offer_json);

// Whether `link` is an OpenID4VCI credential offer (and not an openid-vc:// one).
bool IsCredentialOfferLink(const std::string& link);

class Oid4vciWalletClient {
 public:
  Oid4vciWalletClient(common::HttpClient& http, const common::Clock& clock)
      : http_(http), clock_(clock) {}

  // Completes the flow; returns the SD-JWT VC (<jwt>~<disclosures>~), verified.
  // Errors name the step ("offer", "metadata", "token", "nonce", "credential",
  // "verify") with the issuer's error code and description.
  common::Result<std::string> Accept(const Holder& holder, const std::string& link,
                                     const std::string& tx_code);

 private:
  common::HttpClient& http_;
  const common::Clock& clock_;
};

}  // namespace vc::credentials
