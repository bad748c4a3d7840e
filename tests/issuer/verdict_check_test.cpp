#include "issuer/verdict_check.h"

#include <gtest/gtest.h>

#include <string>

namespace vc::testing {
namespace {

using issuer::ClaimedIdentity;
using issuer::Disagreement;
using issuer::ProviderVerdict;

ProviderVerdict Read(const std::string& first, const std::string& last, const std::string& type,
                     const std::string& number, const std::string& dob = "") {
  ProviderVerdict v;
  v.outcome = issuer::ProofingOutcome::kVerified;
  v.claims = {{"firstName", first}, {"lastName", last}, {"documentType", type}};
  if (!dob.empty()) v.claims["dateOfBirth"] = dob;
  v.document_number = number;
  return v;
}

TEST(VerdictCheck, TheSubmittedDocumentAgrees) {
  const ClaimedIdentity claimed{"Olena Kovalenko", "PASSPORT", "p123-4567"};
  EXPECT_EQ(Disagreement(claimed, Read("KOVALENKO", "olena", "PASSPORT", "P1234567")), "");
}

TEST(VerdictCheck, EachDisagreementHasItsReason) {
  const ClaimedIdentity passport{"Olena Kovalenko", "PASSPORT", "P1234567"};
  EXPECT_EQ(Disagreement(passport, Read("Ivan", "Petrenko", "PASSPORT", "P1234567")),
            "extracted_name_mismatch");
  EXPECT_EQ(Disagreement(passport, Read("Olena", "Kovalenko", "PASSPORT", "P7654321")),
            "extracted_document_number_mismatch");
  EXPECT_EQ(Disagreement(passport, Read("Olena", "Kovalenko", "DRIVING_LICENSE", "P1234567")),
            "extracted_document_type_mismatch");
  const ClaimedIdentity prc{"Mei Chen", "PRC_ID", "11010519491231002X"};
  EXPECT_EQ(Disagreement(prc, Read("Mei", "Chen", "ID_CARD", "11010519491231002X", "1949-12-31")),
            "");
  EXPECT_EQ(Disagreement(prc, Read("Mei", "Chen", "ID_CARD", "11010519491231002X", "1990-03-07")),
            "extracted_birth_date_mismatch");
}

TEST(VerdictCheck, ProvidersThatReadNothingAgree) {
  ProviderVerdict alibaba;
  alibaba.outcome = issuer::ProofingOutcome::kVerified;
  EXPECT_EQ(Disagreement({"Mei Chen", "PRC_ID", "11010519491231002X"}, alibaba), "");
  EXPECT_EQ(issuer::DocumentTypeOf("PRC_ID"), "ID_CARD");
  EXPECT_EQ(issuer::DocumentTypeOf("DRIVING_LICENSE"), "DRIVING_LICENSE");
}

}  // namespace
}  // namespace vc::testing
