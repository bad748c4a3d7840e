#include "issuer/idv_claims.h"

#include <algorithm>
#include <cctype>

namespace vc::issuer {

std::string DocumentTypeFor(const std::string& id_card_type) {
  if (id_card_type == "PRC_ID" || id_card_type == "ID_CARD") return "ID_CARD";
  if (id_card_type == "PASSPORT" || id_card_type == "DRIVING_LICENSE") return id_card_type;
  return "";
}

void AddIdvClaims(const ClaimedIdentity& identity, std::map<std::string, std::string>& claims) {
  if (!identity.id_card_number.empty()) claims["documentId"] = identity.id_card_number;
  const std::string type = DocumentTypeFor(identity.id_card_type);
  if (!type.empty()) claims.emplace("documentType", type);
  const std::string& n = identity.id_card_number;
  if (identity.id_card_type == "PRC_ID" && n.size() == 18 &&
      std::all_of(n.begin(), n.begin() + 14, [](char c) { return std::isdigit(c) != 0; })) {
    claims.emplace("dateOfBirth", n.substr(6, 4) + "-" + n.substr(10, 2) + "-" + n.substr(12, 2));
  }
}

}  // namespace vc::issuer
