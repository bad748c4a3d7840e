// vcwallet: a holder wallet for demos and end-to-end tests. Thin: the wallet
// protocol lives in credentials/wallet_client, the exit codes in tools/cli.h.
// Exit 0 only when the protocol completed; otherwise one line on stderr saying why.
#include <ctime>
#include <filesystem>
#include <iostream>

#include "common/base/clock.h"
#include "common/base/json.h"
#include "common/http/http_client.h"
#include "credentials/oid4vci_client.h"
#include "credentials/oid4vp_client.h"
#include "credentials/wallet_client.h"
#include "tools/cli.h"
#include "tools/vcwallet_show.h"

namespace {
using namespace vc;
using tools::Args;
using tools::CommandFailed;

std::string WalletPath(const Args& a) {
  const std::string path = a.Get("wallet");
  if (path.empty()) throw tools::UsageError("--wallet FILE is required");
  return path;
}

// The wallet at --wallet; `create` allows a new one (accept), else it must exist.
credentials::WalletFile Load(const std::string& path, bool create) {
  std::error_code ec;
  if (!create && !std::filesystem::exists(path, ec)) {
    throw CommandFailed("no wallet at " + path + " (vcwallet accept creates it)");
  }
  auto wallet = credentials::WalletFile::LoadOrCreate(path);
  if (!wallet) throw CommandFailed(wallet.error().message);
  return std::move(*wallet);
}

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

int Accept(const Args& a) {
  const std::string path = WalletPath(a);
  auto wallet = Load(path, true);
  common::CurlHttpClient http;
  common::SystemClock clock;
  const std::string& url = a.positional[0];
  // openid-credential-offer:// is OpenID4VCI (an SD-JWT VC), openid-vc:// Entra's protocol.
  auto vc = credentials::IsCredentialOfferLink(url)
                ? credentials::Oid4vciWalletClient(http, clock)
                      .Accept(wallet.holder, url, a.Get("tx-code"))
                : credentials::WalletClient(http, clock).Accept(wallet.holder, url, a.Get("pin"));
  if (!vc) throw CommandFailed(vc.error().message);
  wallet.credentials.push_back(*vc);
  if (auto s = wallet.Save(path); !s)
    throw CommandFailed("saving the wallet: " + s.error().message);
  std::cout << "accepted a " << tools::CredentialType(*vc) << " credential for "
            << wallet.holder.did << "\n"
            << tools::DescribeCredential(*vc, Now()) << "saved in " << path << " ("
            << wallet.credentials.size() << " held)\n";
  return 0;
}

int Present(const Args& a) {
  const std::string path = WalletPath(a);
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec);
  auto wallet = Load(path, true);  // a missing wallet holds nothing: the protocol says so
  common::CurlHttpClient http;
  common::SystemClock clock;
  // openid4vp:// is OpenID4VP 1.0 (an SD-JWT VC), openid-vc:// Entra's protocol.
  const std::string& url = a.positional[0];
  auto presented =
      credentials::IsOpenId4VpLink(url)
          ? credentials::Oid4vpWalletClient(http, clock)
                .Present(wallet.holder, wallet.credentials, url)
          : credentials::WalletClient(http, clock).Present(wallet.holder, wallet.credentials, url);
  if (!presented) throw CommandFailed(presented.error().message);
  // Presenting creates no wallet file where there was none.
  if (auto s = exists ? wallet.Save(path) : common::Status::Ok(); !s)
    throw CommandFailed("saving the wallet: " + s.error().message);
  std::cout << "presented to the verifier\n";
  return 0;
}

int List(const Args& a) {
  const std::string path = WalletPath(a);
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec);
  std::vector<std::string> held;
  std::string holder;
  if (exists) {
    auto wallet = Load(path, false);
    held = std::move(wallet.credentials);
    holder = wallet.holder.did;
  }
  if (a.Has("json")) {
    common::JsonWriter out;
    out->StartArray();
    for (const auto& c : held) out->String(c);
    out->EndArray();
    std::cout << out.str() << "\n";
    return 0;
  }
  if (held.empty()) {
    std::cout << (exists ? "the wallet " + path + " holds no credentials\n"
                         : "no wallet at " + path +
                               " yet: it holds no credentials "
                               "(vcwallet accept creates it)\n");
    return 0;
  }
  std::cout << "holder " << holder << ", " << held.size() << " credential(s):\n";
  for (size_t i = 0; i < held.size(); ++i) {
    std::cout << i + 1 << ".\n" << tools::DescribeCredential(held[i], Now(), "   ");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<tools::Command> commands = {
      {{"accept"},
       "--wallet FILE URL [--pin N | --tx-code N]",
       "complete an issuance from an openid-vc:// link (Entra; --pin) or an "
       "openid-credential-offer:// link (OpenID4VCI 1.0, pre-authorized code; --tx-code)",
       {"pin", "tx-code"},
       {},
       1,
       1,
       Accept},
      {{"present"},
       "--wallet FILE URL",
       "answer a presentation request with held credentials: an openid-vc:// link (Entra) "
       "with VC-JWTs, or an openid4vp:// link (OpenID4VP 1.0, DCQL) with an SD-JWT VC, "
       "disclosing only the claims asked for",
       {},
       {},
       1,
       1,
       Present},
      {{"list"},
       "--wallet FILE [--json]",
       "show held credentials (--json: the VC-JWTs and SD-JWT VCs as a JSON array)",
       {},
       {"json"},
       0,
       0,
       List},
  };
  return tools::RunCli("vcwallet",
                       "A holder wallet (did:jwk) speaking the wallet protocol; every command "
                       "takes --wallet FILE.",
                       commands, argc, argv, {"wallet"});
}
