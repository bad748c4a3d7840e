// The hostile-input catalogue: one row per endpoint × attack with the status
// and body shape docs/http.md promises, and the checks every answer must pass
// whatever the row (no 5xx, no header carrying CR/LF, no redirect off the
// allowed list). Rows are built in *_test.cpp; RunCatalogue() sends them and reports
// every row at fault in one table.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/base/json.h"
#include "common/http/http_client.h"
#include "tests/hostile/hostile_server.h"

namespace vc::testing {

// The error body an endpoint family answers with (docs/http.md and the docs it links).
enum class Shape {
  kJsonError,  // {"error": code, "message": text}: the HTTP layer, issuer, verifier
  kEnvelope,  // Entra's {"requestId","date","mscv","error":{code,message,innererror{code,message}}}
  kOAuth,     // {"error": code, "error_description": text}: the token endpoint
  kCasdoor,   // {"status":"error","msg": text,"code": code}: the Casdoor-style identity API
  kHtml,      // an HTML page (pages that only browsers reach, e.g. the sandbox's hosted page)
};

// Markup a hostile value may carry; no HTML answer may contain it unescaped.
inline constexpr const char* kMarkup = "<script>alert(1)</script>";

struct Case {
  std::string name;         // "<endpoint> × <attack>", printed when the row fails
  common::HttpRequest req;  // url relative to the server
  int status;               // the documented answer
  Shape shape;
};

namespace catalogue_detail {

inline std::string ShapeError(Shape shape, const common::HttpResponse& r) {
  if (r.status < 400) return "";  // the shapes are those of errors
  if (shape == Shape::kHtml) {
    return r.Header("content-type").value_or("").starts_with("text/html") ? "" : "not HTML";
  }
  if (r.Header("content-type").value_or("").find("application/json") == std::string_view::npos) {
    return "not JSON: " + std::string(r.Header("content-type").value_or("(none)"));
  }
  auto doc = common::ParseJsonObject(r.body, {1 << 20, 8});
  if (!doc) return "body is not a JSON object";
  auto nonempty = [](const rapidjson::Value& v, const char* key) {
    auto s = common::GetString(v, key);
    return s && !s->empty();
  };
  switch (shape) {
    case Shape::kJsonError:
      return nonempty(*doc, "error") && nonempty(*doc, "message") ? "" : "not {error, message}";
    case Shape::kOAuth:
      return nonempty(*doc, "error") && nonempty(*doc, "error_description")
                 ? ""
                 : "not {error, error_description}";
    case Shape::kCasdoor:
      return common::GetString(*doc, "status") == "error" && nonempty(*doc, "msg") &&
                     nonempty(*doc, "code")
                 ? ""
                 : "not {status: error, msg, code}";
    case Shape::kHtml:
      return "";
    case Shape::kEnvelope: {
      const auto e = doc->FindMember("error");
      if (e == doc->MemberEnd() || !e->value.IsObject()) return "no error object";
      const auto inner = e->value.FindMember("innererror");
      const bool ok = nonempty(*doc, "requestId") && nonempty(e->value, "code") &&
                      inner != e->value.MemberEnd() && inner->value.IsObject() &&
                      nonempty(inner->value, "code") && nonempty(inner->value, "message");
      return ok ? "" : "not the Entra error envelope";
    }
  }
  return "";
}

// Relative same-origin paths, this server and the registered external targets.
inline bool AllowedLocation(const std::string& base, std::string_view location,
                            const std::vector<std::string>& allowed_prefixes) {
  if (location.starts_with("/") && !location.starts_with("//") && !location.starts_with("/\\")) {
    return true;
  }
  if (location.starts_with(base + "/")) return true;
  for (const auto& p : allowed_prefixes) {
    if (location.starts_with(p)) return true;
  }
  return false;
}

}  // namespace catalogue_detail

// What every answer must satisfy, documented or not. Adds failures naming `name`.
inline void ExpectWellBehaved(const std::string& name, const std::string& base,
                              const common::HttpResponse& r,
                              const std::vector<std::string>& allowed_redirects = {}) {
  EXPECT_LT(r.status, 500) << name << ": " << r.body.substr(0, 300);
  EXPECT_GE(r.status, 100) << name << ": no answer";
  for (const auto& [header, value] : r.headers) {
    EXPECT_EQ(header.find_first_of("\r\n"), std::string::npos) << name << ": header " << header;
    EXPECT_EQ(value.find_first_of("\r\n"), std::string::npos) << name << ": " << header;
    EXPECT_NE(header, "x-injected") << name << ": a header was injected";
  }
  if (r.Header("content-type").value_or("").starts_with("text/html")) {
    EXPECT_EQ(r.body.find(kMarkup), std::string::npos) << name << ": markup echoed unescaped";
  }
  if (auto location = r.Header("location")) {
    EXPECT_TRUE(catalogue_detail::AllowedLocation(base, *location, allowed_redirects))
        << name << ": redirect off the allowed list: " << *location;
  }
}

// Sends every case; one failure lists each row whose status or shape is not the documented one.
inline void RunCatalogue(HostileServer& server, const std::vector<Case>& cases) {
  std::string faults;
  for (const Case& c : cases) {
    const auto r = server.Send(c.req);
    ExpectWellBehaved(c.name, server.base(), r);
    std::string why = r.status != c.status ? "status" : catalogue_detail::ShapeError(c.shape, r);
    if (why.empty()) continue;
    faults += "  " + c.name + ": expected " + std::to_string(c.status) + ", got " +
              std::to_string(r.status) + " (" + why + ") " + r.body.substr(0, 160) + "\n";
  }
  EXPECT_TRUE(faults.empty()) << cases.size() << " rows, at fault:\n" << faults;
}

}  // namespace vc::testing
