// vcwallet: a holder wallet for demos and end-to-end tests. Thin: the wallet
// protocol lives in credentials/wallet_client. Exit 0 only when the protocol
// completed; otherwise one line on stderr saying why.
#include <iostream>
#include <string>
#include <vector>

#include "common/base/clock.h"
#include "common/base/json.h"
#include "common/http/http_client.h"
#include "credentials/oid4vci_client.h"
#include "credentials/oid4vp_client.h"
#include "credentials/sd_jwt.h"
#include "credentials/vc_jwt.h"
#include "credentials/wallet_client.h"

namespace {
using namespace vc;

constexpr const char* kUsage = R"(usage: vcwallet --wallet FILE COMMAND

  accept URL [--pin N]   complete an issuance from an openid-vc:// link (Entra)
  accept URL [--tx-code N]
                         or from an openid-credential-offer:// link (OpenID4VCI 1.0,
                         pre-authorized code; the SD-JWT VC is kept)
  present URL            answer a presentation request with held credentials: an
                         openid-vc:// link (Entra) with VC-JWTs, or an openid4vp:// link
                         (OpenID4VP 1.0, DCQL) with an SD-JWT VC, disclosing only the
                         claims asked for
  list [--json]          show held credentials (--json: the VC-JWTs and SD-JWT VCs as a
                         JSON array)
)";

int Fail(const std::string& message) {
  std::cerr << "vcwallet: " << message << "\n";
  return 1;
}

struct Args {
  std::string wallet, pin, tx_code, command, url;
  bool json = false;
};

bool Parse(int argc, char** argv, Args& a) {
  std::vector<std::string> pos;
  for (int i = 1; i < argc; ++i) {
    const std::string s = argv[i];
    if (s == "--wallet" && i + 1 < argc) {
      a.wallet = argv[++i];
    } else if (s == "--pin" && i + 1 < argc) {
      a.pin = argv[++i];
    } else if (s == "--tx-code" && i + 1 < argc) {
      a.tx_code = argv[++i];
    } else if (s == "--json") {
      a.json = true;
    } else if (s.rfind("--", 0) == 0) {
      return false;
    } else {
      pos.push_back(s);
    }
  }
  if (a.wallet.empty() || pos.empty()) return false;
  a.command = pos[0];
  if (pos.size() > 1) a.url = pos[1];
  return a.command == "list" ? pos.size() == 1 : pos.size() == 2;
}

// An SD-JWT VC: its vct, issuer and expiry (the disclosed claims stay in the file).
void ListSdJwt(const std::string& c) {
  auto parts = credentials::SplitSdJwt(c);
  auto t = parts ? common::ParseCompact(parts->issuer_jwt, 65536)
                 : common::Result<common::JwsToken>(common::Error{});
  auto p = t ? common::ParseJsonObject(t->payload)
             : common::Result<rapidjson::Document>(common::Error{});
  if (!p) return;
  std::cout << "dc+sd-jwt " << common::GetString(*p, "vct").value_or("?") << " "
            << common::GetString(*p, "iss").value_or("?") << " expires "
            << credentials::IsoTime(common::GetNumericDate(*p, "exp").value_or(0)) << "\n";
}

int List(const credentials::WalletFile& w, bool json) {
  if (json) {
    common::JsonWriter out;
    out->StartArray();
    for (const auto& c : w.credentials) out->String(c);
    out->EndArray();
    std::cout << out.str() << "\n";
    return 0;
  }
  for (const auto& c : w.credentials) {
    if (c.find('~') != std::string::npos) {
      ListSdJwt(c);
      continue;
    }
    auto t = common::ParseCompact(c, 65536);
    auto p = t ? common::ParseJsonObject(t->payload)
               : common::Result<rapidjson::Document>(common::Error{});
    if (!p) continue;
    const auto* types =
        common::GetObject(*p, "vc") ? common::GetArray((*p)["vc"], "type") : nullptr;
    const std::string type =
        types && types->Size() > 0 && types->GetArray()[types->Size() - 1].IsString()
            ? types->GetArray()[types->Size() - 1].GetString()
            : "?";
    std::cout << common::GetString(*p, "jti").value_or("?") << " " << type << " "
              << common::GetString(*p, "iss").value_or("?") << " expires "
              << credentials::IsoTime(common::GetNumericDate(*p, "exp").value_or(0)) << "\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  if (!Parse(argc, argv, a)) {
    std::cerr << kUsage;
    return 2;
  }
  auto wallet = credentials::WalletFile::LoadOrCreate(a.wallet);
  if (!wallet) return Fail(wallet.error().message);
  if (a.command == "list") return List(*wallet, a.json);
  common::CurlHttpClient http;
  common::SystemClock clock;
  credentials::WalletClient client(http, clock);
  if (a.command == "accept" && credentials::IsCredentialOfferLink(a.url)) {
    credentials::Oid4vciWalletClient oid4vci(http, clock);
    auto vc = oid4vci.Accept(wallet->holder, a.url, a.tx_code);
    if (!vc) return Fail(vc.error().message);
    wallet->credentials.push_back(*vc);
    if (auto s = wallet->Save(a.wallet); !s) return Fail("saving the wallet: " + s.error().message);
    std::cout << "accepted SD-JWT VC for " << wallet->holder.did << "\n";
    return 0;
  }
  if (a.command == "accept") {
    auto vc = client.Accept(wallet->holder, a.url, a.pin);
    if (!vc) return Fail(vc.error().message);
    wallet->credentials.push_back(*vc);
    if (auto s = wallet->Save(a.wallet); !s) return Fail("saving the wallet: " + s.error().message);
    std::cout << "accepted credential for " << wallet->holder.did << "\n";
    return 0;
  }
  if (a.command == "present" && credentials::IsOpenId4VpLink(a.url)) {
    credentials::Oid4vpWalletClient oid4vp(http, clock);
    if (auto s = oid4vp.Present(wallet->holder, wallet->credentials, a.url); !s)
      return Fail(s.error().message);
    std::cout << "presented to the verifier (OpenID4VP)\n";
    return 0;
  }
  if (a.command == "present") {
    if (auto s = client.Present(wallet->holder, wallet->credentials, a.url); !s)
      return Fail(s.error().message);
    if (auto s = wallet->Save(a.wallet); !s) return Fail("saving the wallet: " + s.error().message);
    std::cout << "presented to the verifier\n";
    return 0;
  }
  std::cerr << kUsage;
  return 2;
}
