// The organisations (relying parties) the issuer serves, from configuration.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace vc::issuer {

struct Org {
  std::string id;
  std::string name;
  std::vector<std::string> redirect_urls;  // exact-match allow-list
  int64_t max_token_lifetime_seconds = 600;
  std::string proofing;  // provider name
  std::string contract;  // credential contract id
};

class OrgRegistry {
 public:
  OrgRegistry() = default;
  explicit OrgRegistry(const std::vector<Org>& orgs);
  // nullptr when the org is not registered.
  const Org* Find(std::string_view id) const;
  const std::map<std::string, Org, std::less<>>& all() const { return orgs_; }

 private:
  std::map<std::string, Org, std::less<>> orgs_;
};

// True when `url` is byte for byte one of the org's registered redirect URLs.
// No normalisation: an RP registers exactly what it sends.
bool IsRegisteredRedirect(const Org& org, std::string_view url);

}  // namespace vc::issuer
