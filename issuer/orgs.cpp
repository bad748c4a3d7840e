#include "issuer/orgs.h"

#include <algorithm>

namespace vc::issuer {

OrgRegistry::OrgRegistry(const std::vector<Org>& orgs) {
  for (const auto& org : orgs) orgs_.emplace(org.id, org);
}

const Org* OrgRegistry::Find(std::string_view id) const {
  auto it = orgs_.find(id);
  return it == orgs_.end() ? nullptr : &it->second;
}

bool IsRegisteredRedirect(const Org& org, std::string_view url) {
  return std::any_of(org.redirect_urls.begin(), org.redirect_urls.end(),
                     [&](const std::string& registered) { return registered == url; });
}

}  // namespace vc::issuer
