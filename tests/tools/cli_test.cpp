// The rules every command-line tool keeps (tools/cli.h): --help on stdout with
// exit 0 and no side effect, usage mistakes on stderr with exit 2 naming the
// valid values, and no data folder or secret created by a mistyped --data-dir.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/jose/jwk.h"
#include "common/jose/jws.h"
#include "tests/support/run.h"
#include "tests/support/temp_dir.h"

namespace vc::testing {
namespace {
namespace fs = std::filesystem;

const std::vector<std::vector<std::string>> kVcctlCommands = {
    {"keys", "generate"},    {"keys", "list"},    {"keys", "rotate"},
    {"jumpstart", "mint"},   {"jws", "verify"},   {"jwk", "thumbprint"},
    {"token", "inspect"},    {"audit", "verify"}, {"request-service", "token"},
    {"credential", "revoke"}};

bool IsEmptyDir(const fs::path& dir) { return fs::is_empty(dir); }

TEST(Cli, HelpOfEveryToolAndCommandIsUsageOnStdoutWithExitZero) {
  TempDir cwd;
  std::vector<std::pair<std::string, std::vector<std::string>>> runs = {
      {"vcctl", {"--help"}},
      {"vcctl", {"-h"}},
      {"vcctl", {"keys", "--help"}},
      {"vcwallet", {"--help"}},
      {"vcserver", {"--help"}},
      {"vcwallet", {"accept", "--help"}},
      {"vcwallet", {"present", "--help"}},
      {"vcwallet", {"list", "--help"}}};
  for (auto words : kVcctlCommands) {
    words.push_back("--help");
    runs.emplace_back("vcctl", words);
  }
  for (const auto& [tool, args] : runs) {
    auto r = RunBinarySplit(tool, args, cwd.path().string());
    const std::string what = tool + " " + args[0] + (args.size() > 1 ? " " + args[1] : "");
    EXPECT_EQ(r.exit_code, 0) << what << ": " << r.err;
    EXPECT_EQ(r.out.rfind("usage: " + tool, 0), 0u) << what << ": " << r.out;
    EXPECT_EQ(r.err, "") << what;
  }
  // A command's help is about that command.
  auto gen = RunBinarySplit("vcctl", {"keys", "generate", "--help"}, cwd.path().string());
  EXPECT_NE(gen.out.find("--rotate"), std::string::npos) << gen.out;
  EXPECT_EQ(gen.out.find("thumbprint"), std::string::npos) << gen.out;
  EXPECT_TRUE(IsEmptyDir(cwd.path())) << "--help created something";
}

TEST(Cli, HelpDoesNothingElseEvenWithEveryOtherArgument) {
  TempDir cwd;
  const std::string dir = cwd.File("data");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"keys", "generate", "--purpose", "x", "--data-dir", dir, "--help"},
           {"request-service", "token", "--help", "--data-dir", dir},
           {"audit", "verify", "--help"}}) {
    auto r = RunBinarySplit("vcctl", args, cwd.path().string());
    EXPECT_EQ(r.exit_code, 0) << args[0] << " " << r.err;
  }
  auto w = RunBinarySplit("vcwallet", {"--wallet", cwd.File("w.json"), "accept", "--help"},
                          cwd.path().string());
  EXPECT_EQ(w.exit_code, 0) << w.err;
  EXPECT_TRUE(IsEmptyDir(cwd.path()));
}

// A usage mistake: exit 2, nothing on stdout, the reason and the usage on stderr.
void ExpectUsageError(const std::string& tool, const std::vector<std::string>& args,
                      const std::string& says, const std::string& cwd) {
  auto r = RunBinarySplit(tool, args, cwd);
  EXPECT_EQ(r.exit_code, 2) << tool << " " << args[0] << ": " << r.err << r.out;
  EXPECT_EQ(r.out, "") << args[0];
  EXPECT_NE(r.err.find(says), std::string::npos) << "expected '" << says << "' in: " << r.err;
  EXPECT_NE(r.err.find("usage: " + tool), std::string::npos) << r.err;
}

TEST(Cli, UsageMistakesGoToStderrWithExitTwoAndNameTheValidValues) {
  TempDir cwd;
  const std::string c = cwd.path().string(), dir = cwd.File("data");
  ExpectUsageError("vcctl", {}, "no command given", c);
  ExpectUsageError("vcctl", {"frobnicate", "now"}, "unknown command: frobnicate now", c);
  ExpectUsageError("vcctl", {"keys"}, "keys needs a command", c);
  ExpectUsageError("vcctl", {"keys", "generate", "--purpose", "x", "--alg", "HS512"},
                   "valid: ES256, ES256K, EdDSA, RS256, PS256", c);
  ExpectUsageError(
      "vcctl", {"keys", "generate", "--purpose", "x", "--colour", "red"},
      "unknown option --colour (valid: --purpose, --alg, --data-dir, --config, --rotate)", c);
  ExpectUsageError("vcctl", {"keys", "generate"}, "--purpose NAME is required", c);
  ExpectUsageError("vcctl", {"keys", "list", "--data-dir"}, "--data-dir needs a value", c);
  ExpectUsageError("vcctl", {"jws", "verify", "--jwk", "k.json", "--alg", "none", "a.b.c"},
                   "valid: RS256, PS256, ES256, ES256K, EdDSA, HS256", c);
  ExpectUsageError("vcctl", {"jws", "verify", "--jwk", "k.json"}, "missing argument", c);
  ExpectUsageError("vcctl", {"token", "inspect", "a", "b"}, "unexpected argument b", c);
  ExpectUsageError("vcctl", {"request-service", "token", "--scope", "root"},
                   "valid: request-service, admin", c);
  ExpectUsageError(
      "vcctl",
      {"jumpstart", "mint", "--org", "o", "--key", "k", "--redirect-url", "u", "--exp", "soon"},
      "--exp must be a positive number of seconds", c);
  ExpectUsageError("vcwallet", {"list"}, "--wallet FILE is required", c);
  ExpectUsageError("vcwallet", {"--wallet", "w.json", "burn"}, "unknown command: burn", c);
  ExpectUsageError("vcserver", {"--frobnicate"}, "unknown argument --frobnicate", c);
  EXPECT_FALSE(fs::exists(dir));
  EXPECT_TRUE(IsEmptyDir(cwd.path()));
}

TEST(Cli, AMistypedDataDirIsNeverCreated) {
  TempDir cwd;
  const std::string typo = cwd.File("vra");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"keys", "list", "--data-dir", typo},
           {"keys", "generate", "--purpose", "issuer", "--data-dir", typo},
           {"keys", "rotate", "--purpose", "issuer", "--data-dir", typo},
           {"audit", "verify", "--data-dir", typo},
           {"request-service", "token", "--data-dir", typo},
           {"request-service", "token"}}) {  // the default ./var, relative to cwd
    auto r = RunBinarySplit("vcctl", args, cwd.path().string());
    EXPECT_EQ(r.exit_code, 1) << args[0] << " " << args[1] << ": " << r.out;
    EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
  }
  EXPECT_TRUE(IsEmptyDir(cwd.path()));
}

TEST(Cli, RequestServiceTokenCreatesNoSecretInAnEmptyDataDir) {
  TempDir dir;
  auto r = RunBinarySplit("vcctl", {"request-service", "token", "--data-dir", dir.path().string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("start vcserver"), std::string::npos) << r.err;
  EXPECT_TRUE(IsEmptyDir(dir.path()));
  fs::create_directories(dir.path() / "keys");
  r = RunBinarySplit("vcctl", {"request-service", "token", "--data-dir", dir.path().string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(fs::exists(dir.path() / "keys" / "secrets"));
}

TEST(Cli, KeysGenerateRefusesAnExistingPurposeUnlessRotate) {
  TempDir dir;
  const std::string d = dir.path().string();
  auto first =
      RunBinarySplit("vcctl", {"keys", "generate", "--purpose", "issuer", "--data-dir", d});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto again = RunBinarySplit(
      "vcctl", {"keys", "generate", "--purpose", "issuer", "--alg", "EdDSA", "--data-dir", d});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("--rotate"), std::string::npos) << again.err;
  auto rotated = RunBinarySplit("vcctl", {"keys", "generate", "--purpose", "issuer", "--alg",
                                          "EdDSA", "--rotate", "--data-dir", d});
  EXPECT_EQ(rotated.exit_code, 0) << rotated.err;
  EXPECT_NE(rotated.out.find("EdDSA"), std::string::npos);
  auto list = RunBinarySplit("vcctl", {"keys", "list", "--data-dir", d});
  EXPECT_EQ(std::count(list.out.begin(), list.out.end(), '\n'), 2) << list.out;
  EXPECT_NE(list.out.find("EdDSA"), list.out.npos);
}

TEST(Cli, JwsVerifyAndThumbprintTakeAJwksByKidAndPem) {
  TempDir dir;
  const auto rsa = common::Jwk::Generate(common::JwsAlg::kRS256).WithKid("rsa-1");
  const auto ec = common::Jwk::Generate(common::JwsAlg::kES256).WithKid("ec-1");
  common::Jwks jwks;
  jwks.Add(rsa.PublicOnly());
  jwks.Add(ec.PublicOnly());
  std::ofstream(dir.File("keys.jwks")) << jwks.ToPublicJson();
  std::ofstream(dir.File("ec.pem")) << *ec.PublicOnly().ToPublicPem();
  const std::string token =
      *common::SignCompact(ec, common::JwsAlg::kES256, R"({"sub":"x"})", {"JWT", "ec-1", ""});

  auto by_kid = RunBinarySplit("vcctl", {"jws", "verify", "--jwk", dir.File("keys.jwks"), token});
  EXPECT_EQ(by_kid.exit_code, 0) << by_kid.err;
  EXPECT_EQ(by_kid.out, "valid ES256 signature (kid ec-1)\n");
  auto pem = RunBinarySplit("vcctl", {"jws", "verify", "--jwk", dir.File("ec.pem"), token});
  EXPECT_EQ(pem.exit_code, 0) << pem.err;
  const std::string other =
      *common::SignCompact(ec, common::JwsAlg::kES256, R"({"sub":"x"})", {"JWT", "gone", ""});
  auto unknown = RunBinarySplit("vcctl", {"jws", "verify", "--jwk", dir.File("keys.jwks"), other});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("no key with kid gone (it has rsa-1, ec-1)"), std::string::npos)
      << unknown.err;

  auto tp = RunBinarySplit("vcctl", {"jwk", "thumbprint", "--kid", "ec-1", dir.File("keys.jwks")});
  EXPECT_EQ(tp.exit_code, 0) << tp.err;
  EXPECT_EQ(tp.out, ec.Thumbprint() + "\n");
  auto tp_pem = RunBinarySplit("vcctl", {"jwk", "thumbprint", dir.File("ec.pem")});
  EXPECT_EQ(tp_pem.out, ec.Thumbprint() + "\n");
  auto which = RunBinarySplit("vcctl", {"jwk", "thumbprint", dir.File("keys.jwks")});
  EXPECT_EQ(which.exit_code, 1);
  EXPECT_NE(which.err.find("--kid"), std::string::npos) << which.err;
}

TEST(Cli, WalletListSaysWhenEmptyAndCreatesNothing) {
  TempDir dir;
  const std::string wallet = dir.File("wallet.json");
  auto list = RunBinarySplit("vcwallet", {"--wallet", wallet, "list"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("holds no credentials"), std::string::npos) << list.out;
  auto present = RunBinarySplit("vcwallet", {"--wallet", wallet, "present", "openid-vc://?x"});
  EXPECT_EQ(present.exit_code, 1);
  EXPECT_EQ(std::count(present.err.begin(), present.err.end(), '\n'), 1) << present.err;
  EXPECT_FALSE(fs::exists(wallet));
}

}  // namespace
}  // namespace vc::testing
