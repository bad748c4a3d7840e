// Our side of the SD-JWT and Token Status List cross-check with npm
// @sd-jwt/* 0.19.0 (driven by sd_jwt_crosscheck.mjs). Two modes:
//   sd_jwt_interop verify INFILE   [{"name", "issuer_jwk", "sd_jwt", "now", "typ",
//                                    "aud"?, "nonce"?, "expect", "claims"?}]: verifies
//                                  each SD-JWT (with key binding when "aud" is given),
//                                  expects "ok" or our failure code, and when ok the
//                                  claims equal to what @sd-jwt read
//   sd_jwt_interop status INFILE   [{"bits", "lst", "statuses"}]: decodes each lst and
//                                  compares every status
// One line per case; exit 1 on any mismatch.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "common/base/json.h"
#include "credentials/sd_jwt.h"
#include "credentials/token_status_list.h"

namespace {

using vc::common::GetString;

std::string Str(const rapidjson::Value& v, const char* key) {
  return std::string(GetString(v, key).value_or(""));
}

bool VerifyCase(const rapidjson::Value& c) {
  auto key = vc::common::Jwk::FromJson(c["issuer_jwk"]);
  if (!key) {
    std::cout << "FAIL " << Str(c, "name") << ": issuer_jwk: " << key.error().message << "\n";
    return false;
  }
  vc::credentials::SdJwtVerifyOptions o;
  o.now = vc::common::GetInt64(c, "now").value_or(0);
  o.expected_typ = Str(c, "typ");
  if (c.HasMember("aud")) o.key_binding = {Str(c, "aud"), Str(c, "nonce"), 300};
  auto v = vc::credentials::VerifySdJwt(Str(c, "sd_jwt"), *key, o);
  const std::string got = v ? "ok" : std::string(vc::credentials::Code(v.error().reason));
  bool ok = got == Str(c, "expect");
  std::string why = v ? "" : v.error().message;
  if (ok && v && c.HasMember("claims") && !(v->claims == c["claims"])) {
    ok = false;
    why = "claims differ: ours " + vc::common::ToJson(v->claims) + " theirs " +
          vc::common::ToJson(c["claims"]);
  }
  std::cout << (ok ? "ok   " : "FAIL ") << Str(c, "name") << ": " << got
            << (why.empty() ? "" : " (" + why + ")") << "\n";
  return ok;
}

bool StatusCase(const rapidjson::Value& c) {
  const int bits = static_cast<int>(vc::common::GetInt64(c, "bits").value_or(0));
  auto list = vc::credentials::TokenStatusList::Decode(bits, Str(c, "lst"));
  if (!list) {
    std::cout << "FAIL " << bits << "-bit: " << list.error().message << "\n";
    return false;
  }
  const auto& statuses = c["statuses"].GetArray();
  for (rapidjson::SizeType i = 0; i < statuses.Size(); ++i) {
    if (list->Get(i) != statuses[i].GetInt()) {
      std::cout << "FAIL " << bits << "-bit: index " << i << "\n";
      return false;
    }
  }
  // Our encoding of the same statuses must decode to them too (checked by the script).
  vc::credentials::TokenStatusList ours(statuses.Size(), bits);
  for (rapidjson::SizeType i = 0; i < statuses.Size(); ++i)
    ours.Set(i, static_cast<uint8_t>(statuses[i].GetInt()));
  std::cout << "ok   " << bits << "-bit: " << statuses.Size() << " statuses; ours "
            << ours.EncodeLst() << "\n";
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: sd_jwt_interop verify|status INFILE\n";
    return 2;
  }
  std::ifstream in(argv[2]);
  std::stringstream text;
  text << in.rdbuf();
  auto doc = vc::common::ParseJson(text.str(), {16 << 20, 64});
  if (!doc || !doc->IsArray()) {
    std::cerr << "sd_jwt_interop: " << argv[2] << " is not a JSON array\n";
    return 2;
  }
  const std::string mode = argv[1];
  bool all = true;
  for (const auto& c : doc->GetArray())
    all = (mode == "verify" ? VerifyCase(c) : StatusCase(c)) && all;
  return all ? 0 : 1;
}
