// The claims a proofed identity offers a contract under the names Entra uses
// for identity-verification partners (firstName, lastName, dateOfBirth,
// documentId, documentType, documentExpiryDate, portrait), mapped from what
// each provider returned; the per-provider table is in docs/proofing.md.
#pragma once

#include <map>
#include <string>

#include "issuer/proofing_provider.h"

namespace vc::issuer {

// documentType for a Casdoor idCardType: PASSPORT, DRIVING_LICENSE, ID_CARD
// (PRC_ID is a national ID card); "" for anything else.
std::string DocumentTypeFor(const std::string& id_card_type);

// Adds to `claims` (the provider's extracted claims, already under Entra's
// names) what the verified identity itself says: documentId (the ID number,
// kept encrypted at rest, so never among the provider's stored claims),
// documentType when the provider named none, and dateOfBirth from a PRC
// resident ID number (digits 7-14, GB 11643) when the provider gave none.
void AddIdvClaims(const ClaimedIdentity& identity, std::map<std::string, std::string>& claims);

}  // namespace vc::issuer
