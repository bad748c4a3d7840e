// QR codes as PNG data URIs for the 201 response's qrCode (spec §2.5): the
// symbol from qrcodegen, the PNG written here over zlib (8-bit grayscale).
#pragma once

#include <string>

namespace vc::request_service {

// "data:image/png;base64,…" encoding `text` (ECC medium, 4 px modules, 4-module quiet zone).
std::string QrCodeDataUri(const std::string& text);

// The PNG bytes of a square black-and-white image; exposed for tests.
std::string QrCodePng(const std::string& text, int scale = 4, int border = 4);

}  // namespace vc::request_service
