// QR codes for deep links: PNG (the Request Service's qrCode data URI, spec §2.5,
// and the issuer's PNG URL) and inline SVG for pages. The symbol comes from
// qrcodegen; the PNG is written here over zlib (8-bit grayscale).
#pragma once

#include <string>

namespace vc::common {

// "data:image/png;base64,…" encoding `text` (ECC medium, 4 px modules, 4-module quiet zone).
std::string QrCodeDataUri(const std::string& text);

// An <svg> element (one path of dark modules, 4-module quiet zone, crisp edges)
// that scales to its container; `label` becomes its aria-label (escaped).
std::string QrCodeSvg(const std::string& text, const std::string& label = "QR code");

// The PNG bytes of a square black-and-white image; exposed for tests.
std::string QrCodePng(const std::string& text, int scale = 4, int border = 4);

}  // namespace vc::common
