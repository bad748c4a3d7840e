#include "request_service/service.h"

#include <utility>

namespace vc::request_service {

RequestService::RequestService(RequestServiceOptions options, common::Database& db,
                               keys::KeyStore& keys,
                               std::vector<credentials::ContractConfig> contracts,
                               credentials::DidResolver& resolver,
                               credentials::StatusChecker& remote_status,
                               credentials::LinkedDomainChecker& domains,
                               const common::Clock& clock)
    : authority_(std::move(options), db, keys, std::move(contracts), clock),
      requests_(authority_),
      wallet_(authority_, resolver),
      publishing_(authority_),
      verification_(authority_, resolver, remote_status, domains) {
  resolver.AddLocal(authority_.options().authority, [this] { return publishing_.DidDocument(); });
}

}  // namespace vc::request_service
