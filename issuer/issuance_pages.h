// The HTML of the issuance step: the QR code and deep link while the wallet
// works (polling /api/issuer/request-status every second), success (continue to
// the RP), failure and expiry (a fresh code), and "no code yet". Pure rendering.
#pragma once

#include <string>

#include "common/http/html.h"
#include "issuer/issuance_store.h"
#include "issuer/oid4vci_store.h"

namespace vc::issuer {

struct IssuanceView {
  std::string session_id;
  std::string org_name;
  std::string status;  // IssuanceStatusName, "expired", or "none" (no request yet)
  const IssuanceRecord* record = nullptr;  // null when status is "none"
  std::string error;                       // why creating a request failed (plain text), for "none"
  // The session's OpenID4VCI offer, shown beside the Entra code while both
  // wait (a contract listing dc+sd-jwt); null when there is none.
  const Offer* offer = nullptr;
  std::string offer_url;     // its openid-credential-offer:// link
  std::string offer_status;  // OfferStatusName or "expired"
};

common::PageOptions IssuancePage(const IssuanceView& view);

// One offer to a wallet: the QR code, an "Open in wallet" link and the deep link
// as copyable text. Reusable so a page can show two offers side by side: ids
// are `id_prefix` + "qr", "open-wallet", "deep-link" (no prefix for the first).
struct WalletOffer {
  std::string url;        // the deep link (openid-vc://…)
  std::string id_prefix;  // "" for the page's main offer
  std::string caption;    // optional heading above the code (plain text)
  bool dim = false;       // the wallet already fetched it
};
std::string WalletOfferHtml(const WalletOffer& offer);

}  // namespace vc::issuer
