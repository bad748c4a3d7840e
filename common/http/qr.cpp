#include "common/http/qr.h"

#include <zlib.h>

#include <qrcodegen.hpp>
#include <stdexcept>

#include "common/base/base64url.h"
#include "common/http/html.h"

namespace vc::common {

namespace {

void Put32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xff));
}

void Chunk(std::string& png, const char* type, const std::string& data) {
  Put32(png, static_cast<uint32_t>(data.size()));
  std::string body = std::string(type, 4) + data;
  png += body;
  Put32(png, static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(body.data()),
                                         static_cast<uInt>(body.size()))));
}

std::string Compress(const std::string& raw) {
  uLongf size = compressBound(static_cast<uLong>(raw.size()));
  std::string out(size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(out.data()), &size,
                reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()),
                Z_BEST_COMPRESSION) != Z_OK) {
    throw std::runtime_error("zlib compress failed");
  }
  out.resize(size);
  return out;
}

}  // namespace

std::string QrCodePng(const std::string& text, int scale, int border) {
  const auto qr = qrcodegen::QrCode::encodeText(text.c_str(), qrcodegen::QrCode::Ecc::MEDIUM);
  const int modules = qr.getSize() + 2 * border;
  const int side = modules * scale;
  std::string raw;
  raw.reserve(static_cast<size_t>(side) * (side + 1));
  for (int y = 0; y < side; ++y) {
    raw.push_back('\0');  // filter type None
    for (int x = 0; x < side; ++x) {
      const bool dark = qr.getModule(x / scale - border, y / scale - border);
      raw.push_back(dark ? '\0' : static_cast<char>(0xff));
    }
  }
  std::string png("\x89PNG\r\n\x1a\n", 8);
  std::string ihdr;
  Put32(ihdr, static_cast<uint32_t>(side));
  Put32(ihdr, static_cast<uint32_t>(side));
  ihdr += std::string("\x08\x00\x00\x00\x00", 5);  // 8-bit grayscale, deflate, no interlace
  Chunk(png, "IHDR", ihdr);
  Chunk(png, "IDAT", Compress(raw));
  Chunk(png, "IEND", "");
  return png;
}

std::string QrCodeSvg(const std::string& text, const std::string& label) {
  const auto qr = qrcodegen::QrCode::encodeText(text.c_str(), qrcodegen::QrCode::Ecc::MEDIUM);
  constexpr int kBorder = 4;
  const int side = qr.getSize() + 2 * kBorder;
  std::string path;
  for (int y = 0; y < qr.getSize(); ++y) {
    for (int x = 0; x < qr.getSize();) {
      if (!qr.getModule(x, y)) {
        ++x;
        continue;
      }
      int run = 1;  // one rectangle per horizontal run of dark modules
      while (x + run < qr.getSize() && qr.getModule(x + run, y)) ++run;
      const std::string n = std::to_string(run);
      path += "M" + std::to_string(x + kBorder) + "," + std::to_string(y + kBorder) + "h" + n +
              "v1h-" + n + "z";
      x += run;
    }
  }
  const std::string box = std::to_string(side);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + box + " " + box +
         "\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"" + HtmlEscape(label) +
         "\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path +
         "\"/></svg>";
}

std::string QrCodeDataUri(const std::string& text) {
  return "data:image/png;base64," + common::Base64Encode(QrCodePng(text));
}

}  // namespace vc::common
