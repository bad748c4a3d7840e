// Whether a provider's verified verdict is about the identity that was
// submitted: a document reader (Jumio) reports what it read, and that must
// agree with the snapshot of the claimed fields taken when the check started —
// the name, the document number and type, and for a PRC resident ID the date
// of birth in the number. Providers that check the submitted values themselves
// (Alibaba, the sandbox) report nothing to compare, which agrees.
#pragma once

#include <string>

#include "issuer/proofing_provider.h"

namespace vc::issuer {

// "" when the verdict agrees with `claimed`; otherwise the stable reason code
// of the first disagreement ("extracted_name_mismatch",
// "extracted_document_number_mismatch", "extracted_document_type_mismatch",
// "extracted_birth_date_mismatch").
std::string Disagreement(const ClaimedIdentity& claimed, const ProviderVerdict& verdict);

// The document type a provider reports for a Casdoor ID card type: PRC_ID is
// an ID_CARD; the others are their own names.
std::string DocumentTypeOf(const std::string& id_card_type);

}  // namespace vc::issuer
