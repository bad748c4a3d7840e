// Entra's IDV claim names from a verified identity (docs/proofing.md).
#include "issuer/idv_claims.h"

#include <gtest/gtest.h>

namespace vc::issuer {
namespace {

TEST(IdvClaimsTest, FromTheRecordWhereTheProviderGaveNone) {
  std::map<std::string, std::string> claims;
  AddIdvClaims({"张三", "PRC_ID", "11010519491231002X"}, claims);
  EXPECT_EQ(claims.at("documentId"), "11010519491231002X");
  EXPECT_EQ(claims.at("documentType"), "ID_CARD");
  EXPECT_EQ(claims.at("dateOfBirth"), "1949-12-31");
  EXPECT_EQ(claims.count("firstName"), 0u);  // a name is not split by guessing
}

TEST(IdvClaimsTest, ProviderValuesWin) {
  std::map<std::string, std::string> claims = {{"documentType", "VISA"},
                                               {"dateOfBirth", "1990-03-07"}};
  AddIdvClaims({"Megan Bowen", "PASSPORT", "P1234567"}, claims);
  EXPECT_EQ(claims.at("documentType"), "VISA");
  EXPECT_EQ(claims.at("dateOfBirth"), "1990-03-07");
  EXPECT_EQ(claims.at("documentId"), "P1234567");
  EXPECT_EQ(DocumentTypeFor("DRIVING_LICENSE"), "DRIVING_LICENSE");
  EXPECT_EQ(DocumentTypeFor("ID_CARD"), "ID_CARD");
  EXPECT_EQ(DocumentTypeFor("OTHER"), "");
}

}  // namespace
}  // namespace vc::issuer
