// The holder side of OpenID4VP 1.0 (what vcwallet speaks besides the Entra
// wallet protocol): an openid4vp://?client_id=…&request_uri=… link, the signed
// request object fetched from request_uri (JAR, typ oauth-authz-req+jwt, client
// identifier prefix decentralized_identifier: verified against the verifier's
// DID document), a DCQL query for SD-JWT VCs answered from held credentials
// disclosing only the claims asked for, with a Key Binding JWT (aud = the full
// client_id, the request's nonce), posted as response_mode direct_post.
#pragma once

#include <string>
#include <vector>

#include "common/base/clock.h"
#include "common/base/result.h"
#include "common/http/http_client.h"
#include "credentials/dcql.h"
#include "credentials/holder.h"

namespace vc::credentials {

// Whether `link` is an OpenID4VP request (openid4vp://…).
bool IsOpenId4VpLink(const std::string& link);

// What a verified request object asks for.
struct Oid4vpRequest {
  std::string client_id;  // with its prefix, the KB-JWT's aud
  std::string nonce;
  std::string state;
  std::string response_uri;
  std::vector<DcqlCredentialQuery> queries;
};

// The presentation that answers `query` from `held` (SD-JWT VCs as
// <jwt>~<disclosures>~; other entries are skipped): the first credential whose
// vct is one of the query's vct_values that has every claim asked for, with
// only the disclosures of those claims and a KB-JWT. Error "no_match" when no
// held credential can answer.
common::Result<std::string> AnswerQuery(const Holder& holder, const std::vector<std::string>& held,
                                        const DcqlCredentialQuery& query,
                                        const Oid4vpRequest& request, int64_t now);

class Oid4vpWalletClient {
 public:
  Oid4vpWalletClient(common::HttpClient& http, const common::Clock& clock)
      : http_(http), clock_(clock) {}

  // Fetches and verifies the request object behind `link`. Errors name the step
  // ("link", "request_object") and say why.
  common::Result<Oid4vpRequest> Resolve(const std::string& link);

  // Resolves `link` and answers it. When a query cannot be answered from `held`
  // the verifier is told access_denied and the error says which ("query").
  // "response": the verifier refused the presentation (its error and
  // description follow) or could not be reached.
  common::Status Present(const Holder& holder, const std::vector<std::string>& held,
                         const std::string& link);

 private:
  common::HttpClient& http_;
  const common::Clock& clock_;
};

}  // namespace vc::credentials
