// Our side of the cross-check with an independent JOSE implementation (npm
// `jose`, driven by jose_crosscheck.mjs). Two modes over one JSON format,
// [{"alg", "jwk", "token", "payload", "thumbprint"}]:
//   jose_interop sign OUTFILE   a fresh key per algorithm; "jwk" is public (the
//                               oct JWK for HS256, which has no public form)
//   jose_interop verify INFILE  verifies every token with its "jwk" and checks
//                               "payload" and "thumbprint"; exit 1 on any failure
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "common/base/json.h"
#include "common/jose/jws.h"

namespace {

using vc::common::Jwk;
using vc::common::JwsAlg;

constexpr JwsAlg kAllAlgs[] = {JwsAlg::kRS256,  JwsAlg::kPS256, JwsAlg::kES256,
                               JwsAlg::kES256K, JwsAlg::kEdDSA, JwsAlg::kHS256};

int Sign(const std::string& path) {
  vc::common::JsonWriter w;
  w->StartArray();
  int n = 0;
  for (JwsAlg alg : kAllAlgs) {
    const std::string alg_name(vc::common::AlgName(alg));
    const Jwk key = Jwk::Generate(alg).WithKid("interop-" + alg_name);
    vc::common::JsonWriter payload;
    payload->StartObject();
    payload->Key("iss");
    payload->String("vc-jose-interop");
    payload->Key("n");
    payload->Int(++n);
    payload->Key("note");
    payload->String("caf\xc3\xa9 \xe2\x9c\x93");  // non-ASCII survives both ways
    payload->EndObject();
    auto token = vc::common::SignCompact(key, alg, payload.str(), {"JWT", key.kid(), ""});
    if (!token) {
      std::cerr << alg_name << ": sign failed: " << token.error().message << "\n";
      return 1;
    }
    const std::string jwk = alg == JwsAlg::kHS256 ? key.ToPrivateJson() : key.ToPublicJson();
    w->StartObject();
    w->Key("alg");
    w->String(alg_name);
    w->Key("jwk");
    w->RawValue(jwk.data(), jwk.size(), rapidjson::kObjectType);
    w->Key("token");
    w->String(*token);
    w->Key("payload");
    w->String(payload.str());
    w->Key("thumbprint");
    w->String(key.Thumbprint());
    w->EndObject();
  }
  w->EndArray();
  std::ofstream out(path, std::ios::binary);
  out << w.str();
  return out ? 0 : 1;
}

// Verifies one entry; prints a line and returns false on any mismatch.
bool VerifyEntry(const rapidjson::Value& entry) {
  const auto alg_name = vc::common::GetString(entry, "alg");
  const auto token = vc::common::GetString(entry, "token");
  const rapidjson::Value* jwk_json = vc::common::GetObject(entry, "jwk");
  const auto alg = alg_name ? vc::common::ParseAlg(*alg_name) : std::nullopt;
  if (!alg || !token || jwk_json == nullptr) {
    std::cout << "FAIL entry lacks alg/token/jwk or names an unknown alg\n";
    return false;
  }
  const std::string name(*alg_name);
  auto key = Jwk::FromJson(*jwk_json);
  if (!key) {
    std::cout << "FAIL " << name << ": JWK import: " << key.error().message << "\n";
    return false;
  }
  auto verified = vc::common::VerifyCompact(*token, *key, {*alg});
  if (!verified) {
    std::cout << "FAIL " << name << ": " << verified.error().code << ": "
              << verified.error().message << "\n";
    return false;
  }
  const auto payload = vc::common::GetString(entry, "payload");
  if (payload && *payload != verified->payload) {
    std::cout << "FAIL " << name << ": payload differs\n";
    return false;
  }
  const auto thumbprint = vc::common::GetString(entry, "thumbprint");
  if (thumbprint && *thumbprint != key->Thumbprint()) {
    std::cout << "FAIL " << name << ": thumbprint " << key->Thumbprint() << " != " << *thumbprint
              << "\n";
    return false;
  }
  std::cout << "ok   " << name << (thumbprint ? " (signature, payload, thumbprint)" : "") << "\n";
  return true;
}

int Verify(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  auto doc = vc::common::ParseJson(text.str());
  if (!in || !doc || !doc->IsArray() || doc->Empty()) {
    std::cerr << path << ": not a non-empty JSON array\n";
    return 1;
  }
  int failures = 0;
  for (const auto& entry : doc->GetArray()) failures += VerifyEntry(entry) ? 0 : 1;
  std::cout << doc->Size() - failures << " passed, " << failures << " failed\n";
  return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc == 3 ? argv[1] : "";
  if (mode == "sign") return Sign(argv[2]);
  if (mode == "verify") return Verify(argv[2]);
  std::cerr << "usage: jose_interop sign OUTFILE | verify INFILE\n";
  return 2;
}
