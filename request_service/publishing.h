// What the authority publishes (its did:web document, did-configuration.json,
// status lists) and revocation, which changes what the status lists say.
#pragma once

#include <cstdint>
#include <string>

#include "request_service/authority.h"

namespace vc::request_service {

class Publishing {
 public:
  explicit Publishing(Authority& authority) : authority_(authority) {}

  // The DID document with every key of the service's purpose.
  std::string DidDocument();
  // The domain linkage of the authority to public_base_url; an empty linked
  // DID list when signing fails.
  std::string DidConfiguration();
  // The status list credential (application/jwt); 404 for an unknown list.
  ApiResult<WalletResponse> StatusList(const std::string& list_id);

  // Revokes by credential id (jti) or by the indexed claim value of a contract.
  // Returns the number of credentials matched; 404 when none.
  ApiResult<int64_t> RevokeById(const std::string& jti);
  ApiResult<int64_t> RevokeByIndexedClaim(const std::string& contract_id, const std::string& value);

 private:
  Authority& authority_;
};

}  // namespace vc::request_service
