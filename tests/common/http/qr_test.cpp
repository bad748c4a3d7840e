#include "common/http/qr.h"

#include <gtest/gtest.h>

#include <qrcodegen.hpp>
#include <regex>

namespace vc::testing {
namespace {

TEST(QrTest, PngHasHeaderAndScalesWithText) {
  const std::string png = common::QrCodePng("openid-vc://?request_uri=https://x/y");
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(png.substr(12, 4), "IHDR");
  EXPECT_EQ(png.substr(png.size() - 8, 4), "IEND");
  const std::string longer = common::QrCodePng(std::string(300, 'a'));
  EXPECT_GT(longer.size(), png.size());
}

TEST(QrTest, SvgDrawsEveryDarkModuleOnce) {
  const std::string text = "openid-vc://?request_uri=https://idv.example/v1.0/tenants/t/x/1";
  const std::string svg = common::QrCodeSvg(text, "Scan <me>");
  const auto qr = qrcodegen::QrCode::encodeText(text.c_str(), qrcodegen::QrCode::Ecc::MEDIUM);
  int dark = 0;
  for (int y = 0; y < qr.getSize(); ++y) {
    for (int x = 0; x < qr.getSize(); ++x) dark += qr.getModule(x, y) ? 1 : 0;
  }
  // Each run is "Mx,yhNv1h-Nz": the widths add up to the dark modules, and
  // every run starts on a dark module inside the quiet zone.
  const std::regex run("M(\\d+),(\\d+)h(\\d+)v1h-\\d+z");
  int drawn = 0;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), run); it != std::sregex_iterator();
       ++it) {
    const int x = std::stoi((*it)[1]) - 4, y = std::stoi((*it)[2]) - 4, n = std::stoi((*it)[3]);
    for (int i = 0; i < n; ++i) EXPECT_TRUE(qr.getModule(x + i, y)) << x + i << "," << y;
    drawn += n;
  }
  EXPECT_EQ(drawn, dark);
  const std::string side = std::to_string(qr.getSize() + 8);
  EXPECT_NE(svg.find("viewBox=\"0 0 " + side + " " + side + "\""), std::string::npos);
  EXPECT_NE(svg.find("aria-label=\"Scan &lt;me&gt;\""), std::string::npos);
}

}  // namespace
}  // namespace vc::testing
