// Issue 21 items 3 and 4, as an attacker ran them against two orgs:
//  - what is locked is what was checked: a user who changes realName or
//    idCardNumber while Jumio checks the old values must not get the new ones
//    locked, and Jumio's extraction (names, document number and type) must
//    agree with what was submitted;
//  - the org decides the provider: `?provider=sandbox` does not let a user or
//    an app of a Jumio org choose another provider.
#include <gtest/gtest.h>

#include <string>

#include "common/base/json.h"
#include "tests/hostile/two_orgs.h"

namespace vc::testing {
namespace {

std::string Field(const common::HttpResponse& r, const char* object, const char* key) {
  auto doc = common::ParseJsonObject(r.body);
  if (!doc) return "";
  const rapidjson::Value* v = object ? common::GetObject(*doc, object) : &*doc;
  return v ? std::string(common::GetString(*v, key).value_or("")) : "";
}

bool Verified(const common::HttpResponse& r) {
  auto doc = common::ParseJsonObject(r.body);
  const rapidjson::Value* data = doc ? common::GetObject(*doc, "data") : nullptr;
  return data && data->HasMember("isVerified") && (*data)["isVerified"].IsBool() &&
         (*data)["isVerified"].GetBool();
}

class ProofingIntegrity : public ::testing::Test {
 protected:
  TwoOrgs orgs_;
};

TEST_F(ProofingIntegrity, FieldsChangedDuringAJumioCheckAreNotLocked) {
  auto [session, cookie] = orgs_.server().OpenSession("victim-1", "fabrikam");
  const auto started =
      orgs_.SubmitForm(session, cookie, "Olena Kovalenko", "PASSPORT", "PA1234567");
  ASSERT_EQ(started.status, 200) << started.body;
  ASSERT_EQ(Field(started, nullptr, "state"), "pending");
  // While Jumio looks at Olena's passport, the user rewrites the record.
  const auto patched = orgs_.Send("PATCH", "/api/users/fabrikam/victim-1",
                                  R"({"realName":"Mallory Evil","idCardNumber":"X9999999"})",
                                  {{"Cookie", cookie}, {"Content-Type", "application/json"}});
  EXPECT_EQ(patched.status, 409) << patched.body;
  EXPECT_EQ(Field(patched, nullptr, "code"), "check_pending");
  orgs_.JumioPasses("Olena", "Kovalenko", "PA1234567");
  ASSERT_EQ(orgs_.JumioCallback().status, 200);
  EXPECT_EQ(orgs_.FinalState(session, cookie), "verified");
  const auto record = orgs_.Send("GET", "/api/users/fabrikam/victim-1", "", {{"Cookie", cookie}});
  EXPECT_TRUE(Verified(record)) << record.body;
  EXPECT_EQ(Field(record, "data", "realName"), "Olena Kovalenko") << record.body;
  EXPECT_EQ(Field(record, "data", "idCard"), "*****4567") << record.body;
}

TEST_F(ProofingIntegrity, JumioMustHaveReadTheSubmittedDocument) {
  struct Row {
    const char* what;
    const char* type;
    const char* number;
    const char* jumio_number;
    const char* jumio_type;
  };
  const Row rows[] = {
      {"someone else's passport number", "PASSPORT", "P7654321", "P1234567", "PASSPORT"},
      {"a passport shown for a driving licence", "DRIVING_LICENSE", "P1234567", "P1234567",
       "PASSPORT"},
  };
  int n = 0;
  for (const Row& row : rows) {
    auto [session, cookie] =
        orgs_.server().OpenSession("document-" + std::to_string(n++), "fabrikam");
    const auto started = orgs_.SubmitForm(session, cookie, "Olena Kovalenko", row.type, row.number);
    ASSERT_EQ(started.status, 200) << started.body;
    orgs_.JumioPasses("Olena", "Kovalenko", row.jumio_number, row.jumio_type);
    ASSERT_EQ(orgs_.JumioCallback().status, 200);
    EXPECT_EQ(orgs_.FinalState(session, cookie), "mismatch") << row.what;
  }
  // The document itself, read back as submitted (separators and case aside), passes.
  auto [session, cookie] = orgs_.server().OpenSession("document-ok", "fabrikam");
  ASSERT_EQ(orgs_.SubmitForm(session, cookie, "KOVALENKO Olena", "PASSPORT", "p123-4567").status,
            200);
  orgs_.JumioPasses("Olena", "Kovalenko");
  ASSERT_EQ(orgs_.JumioCallback().status, 200);
  EXPECT_EQ(orgs_.FinalState(session, cookie), "verified");
}

TEST_F(ProofingIntegrity, AUserOfAJumioOrgCannotPickTheSandbox) {
  auto [session, cookie] = orgs_.server().OpenSession("picker", "fabrikam");
  const common::HttpHeaders as_user = {{"Cookie", cookie}, {"Content-Type", "application/json"}};
  ASSERT_EQ(orgs_
                .Send("PATCH", "/api/users/fabrikam/picker",
                      R"({"realName":"Made Up","idCardType":"PRC_ID",)"
                      R"("idCardNumber":"11010519491231002X"})",
                      as_user)
                .status,
            200);
  for (const char* provider : {"sandbox", "SANDBOX", "jumio%00", "nonexistent"}) {
    const auto picked = orgs_.Send(
        "POST", std::string("/api/verify-identification?provider=") + provider, "", as_user);
    EXPECT_EQ(picked.status, 403) << provider << ": " << picked.body;
    EXPECT_EQ(Field(picked, nullptr, "code"), "provider_not_allowed") << provider;
  }
  const common::HttpHeaders as_app = {{"Authorization", std::string("Bearer ") + kFabrikamAppKey}};
  const auto app = orgs_.Send(
      "POST", "/api/verify-identification?owner=fabrikam&name=picker&provider=sandbox", "", as_app);
  EXPECT_EQ(app.status, 403) << app.body;
  EXPECT_FALSE(Verified(orgs_.Send("GET", "/api/users/fabrikam/picker", "", as_user)));
  // The org's own provider is what a call without `provider` (or naming it) uses.
  const auto own = orgs_.Send("POST", "/api/verify-identification?provider=jumio", "", as_user);
  EXPECT_EQ(own.status, 202) << own.body;
}

TEST_F(ProofingIntegrity, AnAdminMayStillNameAnyProvider) {
  const common::HttpHeaders admin = {{"Authorization", std::string("Bearer ") + kAdminKey},
                                     {"Content-Type", "application/json"}};
  ASSERT_EQ(orgs_
                .Send("PATCH", "/api/users/fabrikam/escalated",
                      R"({"realName":"Mei Chen","idCardType":"PRC_ID",)"
                      R"("idCardNumber":"11010519491231002X"})",
                      admin)
                .status,
            200);
  const auto chosen = orgs_.Send(
      "POST", "/api/verify-identification?owner=fabrikam&name=escalated&provider=sandbox", "",
      admin);
  EXPECT_EQ(chosen.status, 200) << chosen.body;
}

}  // namespace
}  // namespace vc::testing
