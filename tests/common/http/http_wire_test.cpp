#include "common/http/internal/http_wire.h"

#include <gtest/gtest.h>

namespace vc::common::internal {
namespace {

std::string HeadOf(const std::string& wire) { return wire.substr(0, wire.find("\r\n\r\n") + 2); }

TEST(HttpWire, StatusLineLengthAndStandardHeaders) {
  const std::string wire =
      SerializeResponse(HttpServerResponse::Json(201, R"({"a":1})"), {}, "cv.0");
  EXPECT_EQ(wire.rfind("HTTP/1.1 201 Created\r\nDate: ", 0), 0u) << wire;
  const std::string head = HeadOf(wire);
  EXPECT_NE(head.find("\r\nContent-Type: application/json\r\n"), std::string::npos);
  EXPECT_NE(head.find("\r\nContent-Length: 7\r\n"), std::string::npos);
  EXPECT_NE(head.find("\r\nCache-Control: no-store\r\n"), std::string::npos);
  EXPECT_NE(head.find("\r\nX-Content-Type-Options: nosniff\r\n"), std::string::npos);
  EXPECT_NE(head.find("\r\nReferrer-Policy: no-referrer\r\n"), std::string::npos);
  EXPECT_NE(head.find("\r\nms-cv: cv.0\r\n"), std::string::npos);
  EXPECT_EQ(head.find("Connection"), std::string::npos);
  EXPECT_EQ(wire.substr(wire.size() - 7), R"({"a":1})");
}

TEST(HttpWire, HandlerCannotSetFramingOrUnsafeHeaders) {
  HttpServerResponse r = HttpServerResponse::Text(200, "hi");
  r.headers.emplace_back("Content-Length", "999");
  r.headers.emplace_back("transfer-encoding", "chunked");
  r.headers.emplace_back("Connection", "keep-alive");
  r.headers.emplace_back("X-Evil", "a\r\nSet-Cookie: s=1");
  r.headers.emplace_back("X-Bad:Name", "v");
  r.headers.emplace_back("Cache-Control", "max-age=60");
  const std::string head = HeadOf(SerializeResponse(r, {}, "cv"));
  EXPECT_NE(head.find("\r\nContent-Length: 2\r\n"), std::string::npos) << head;
  EXPECT_EQ(head.find("999"), std::string::npos);
  EXPECT_EQ(head.find("chunked"), std::string::npos);
  EXPECT_EQ(head.find("Connection"), std::string::npos);
  EXPECT_EQ(head.find("Set-Cookie"), std::string::npos);
  EXPECT_EQ(head.find("X-Bad"), std::string::npos);
  EXPECT_NE(head.find("\r\nCache-Control: max-age=60\r\n"), std::string::npos);
  EXPECT_EQ(head.find("no-store"), std::string::npos);
}

TEST(HttpWire, FramingDecidesConnectionAndHeadHasNoBody) {
  const auto r = HttpServerResponse::Text(404, "missing");
  EXPECT_NE(SerializeResponse(r, {.close = true}, "cv").find("\r\nConnection: close\r\n"),
            std::string::npos);
  EXPECT_NE(SerializeResponse(r, {.announce_keep_alive = true}, "cv")
                .find("\r\nConnection: keep-alive\r\n"),
            std::string::npos);
  const std::string head_only = SerializeResponse(r, {.head_only = true}, "cv");
  EXPECT_EQ(head_only.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u);
  EXPECT_NE(head_only.find("\r\nContent-Length: 7\r\n"), std::string::npos);
  EXPECT_EQ(head_only.substr(head_only.size() - 4), "\r\n\r\n");
}

TEST(HttpWire, UnknownStatusHasAGenericReason) {
  EXPECT_EQ(ReasonPhrase(299), "Status");
  EXPECT_EQ(ReasonPhrase(303), "See Other");
  EXPECT_EQ(ReasonPhrase(431), "Request Header Fields Too Large");
}

TEST(HttpWire, CookiesAreSplitTrimmedAndUnquoted) {
  std::vector<std::pair<std::string, std::string>> out;
  ParseCookieHeader(R"(a=1; b="two"; flag; =nameless;  c = 3 ;d=x=y)", out);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0], std::make_pair(std::string("a"), std::string("1")));
  EXPECT_EQ(out[1], std::make_pair(std::string("b"), std::string("two")));
  EXPECT_EQ(out[2], std::make_pair(std::string("c"), std::string("3")));
  EXPECT_EQ(out[3], std::make_pair(std::string("d"), std::string("x=y")));
}

TEST(HttpWire, TokensInCommaSeparatedValues) {
  EXPECT_TRUE(HasToken("keep-alive, Upgrade", "upgrade"));
  EXPECT_TRUE(HasToken(" 100-Continue ", "100-continue"));
  EXPECT_FALSE(HasToken("keep-alive-ish", "keep-alive"));
  EXPECT_FALSE(HasToken("", "close"));
}

}  // namespace
}  // namespace vc::common::internal
