// Constraints compiled to the filter.pattern of a presentation definition:
// ECMA-262 regular expressions (no inline "(?i)"), escaped, and matching
// exactly what ConstraintHolds accepts. std::regex's default grammar is
// ECMAScript, so it checks the patterns here; tests/interop has npm
// @sphereon/pex evaluate them as a JavaScript wallet does.
#include "credentials/presentation_request.h"

#include <gtest/gtest.h>

#include <regex>

namespace vc::credentials {
namespace {

Constraint Values(std::vector<std::string> v) { return Constraint{"c", std::move(v), {}, {}}; }
Constraint Contains(std::string s) { return Constraint{"c", {}, std::move(s), {}}; }
Constraint StartsWith(std::string s) { return Constraint{"c", {}, {}, std::move(s)}; }

TEST(ConstraintPatternTest, SpellsCaseInsensitivityPerLetter) {
  EXPECT_EQ(ConstraintPattern(Values({"FC100", "fc1.0"})), "^([fF][cC]100|[fF][cC]1\\.0)$");
  EXPECT_EQ(ConstraintPattern(Contains("a+b")), "[aA]\\+[bB]");
  EXPECT_EQ(ConstraintPattern(StartsWith("(x)")), "^\\([xX]\\)");
  for (const auto& c : {Values({"a"}), Contains("a"), StartsWith("a")}) {
    EXPECT_EQ(ConstraintPattern(c).find("(?"), std::string::npos);
  }
}

TEST(ConstraintPatternTest, MatchesWhatConstraintHoldsAccepts) {
  const std::vector<Constraint> constraints = {
      Values({"FC100", "FC110"}), Values({"a.b|c*", "$[x]{2}"}),
      Contains("Network"),        Contains("^?\\/"),
      StartsWith("Dr. "),         StartsWith("")};
  const std::vector<std::string> claims = {
      "FC100",   "fc110",   "FC1000",     "xFC100",      "a.b|c*", "A.B|C*",  "aXb|c*",
      "$[x]{2}", "$[X]{2}", "networking", "the NETWORK", "netwrk", "a^?\\/b", "dr. who",
      "Dr who",  "",        "é"};
  for (const auto& c : constraints) {
    const std::regex re(ConstraintPattern(c), std::regex::ECMAScript);
    for (const auto& value : claims) {
      EXPECT_EQ(std::regex_search(value, re), ConstraintHolds(c, {{"c", value}}))
          << "pattern " << ConstraintPattern(c) << " on \"" << value << "\"";
    }
  }
}

}  // namespace
}  // namespace vc::credentials
