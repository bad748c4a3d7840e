// An SD-JWT VC issuer for tests, independent of issuer/: its own ES256 key,
// its JWT VC Issuer Metadata at /.well-known/jwt-vc-issuer and one Token
// Status List at /status/1 on a local port (port 0), counting every fetch.
// It issues SD-JWT VCs with any claims, lifetime and status index, every
// claim selectively disclosable (what our OpenID4VCI issuer does too).
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>

#include "common/base/clock.h"
#include "common/base/json.h"
#include "common/http/http_server.h"
#include "common/jose/jwk.h"
#include "credentials/holder.h"
#include "credentials/sd_jwt.h"
#include "credentials/token_status_list.h"

namespace vc::testing {

inline constexpr const char* kTestVct = "https://credentials.example/identity";

class SdJwtTestIssuer {
 public:
  explicit SdJwtTestIssuer(const common::Clock& clock)
      : clock_(clock), key_(common::Jwk::Generate(common::JwsAlg::kES256)) {
    kid_ = key_.Thumbprint();
    server_.Route("GET", "/.well-known/jwt-vc-issuer", [this](const common::HttpServerRequest&) {
      ++metadata_fetches_;
      common::JsonWriter w;
      w->StartObject();
      w.Member("issuer", url());
      w->Key("jwks");
      const std::string jwks =
          R"({"keys":[)" + key_.PublicOnly().WithKid(kid_).ToPublicJson() + "]}";
      w->RawValue(jwks.data(), jwks.size(), rapidjson::kObjectType);
      w->EndObject();
      return common::HttpServerResponse::Json(200, w.str());
    });
    server_.Route("GET", "/status/1", [this](const common::HttpServerRequest&) {
      ++status_fetches_;
      credentials::TokenStatusList list(1024, 2);
      {
        std::lock_guard lock(mu_);
        for (const auto& [idx, value] : statuses_) list.Set(idx, value);
      }
      credentials::StatusListTokenClaims claims{url(), StatusUri(), clock_.NowSeconds(),
                                                clock_.NowSeconds() + 3600, 300};
      auto token =
          credentials::IssueStatusListToken(claims, list, key_, common::JwsAlg::kES256, kid_);
      return common::HttpServerResponse::Text(200, *token, "application/statuslist+jwt");
    });
    server_.Start();
  }

  std::string url() const { return server_.BaseUrl(); }
  std::string StatusUri() const { return url() + "/status/1"; }
  const common::Jwk& key() const { return key_; }
  int metadata_fetches() const { return metadata_fetches_; }
  int status_fetches() const { return status_fetches_; }
  void SetStatus(size_t idx, uint8_t value) {
    std::lock_guard lock(mu_);
    statuses_[idx] = value;
  }

  struct Options {
    std::string vct = kTestVct;
    std::map<std::string, std::string> claims = {
        {"realName", "Megan Bowen"}, {"documentType", "PASSPORT"}, {"birthDate", "1990-01-01"}};
    int64_t lifetime_seconds = 3600;
    int64_t status_idx = -1;  // -1: no status claim
    std::string typ = "dc+sd-jwt";
  };

  // <jwt>~<disclosure>~… bound to `holder` (cnf.jwk), claims as strings.
  std::string Issue(const credentials::Holder& holder, const Options& o) const {
    const int64_t now = clock_.NowSeconds();
    common::JsonWriter w;
    w->StartObject();
    w.Member("iss", url());
    w.Member("vct", o.vct);
    w.Member("iat", now);
    w.Member("exp", now + o.lifetime_seconds);
    w->Key("cnf");
    w->StartObject();
    w->Key("jwk");
    const std::string jwk = holder.key.PublicOnly().ToPublicJson();
    w->RawValue(jwk.data(), jwk.size(), rapidjson::kObjectType);
    w->EndObject();
    if (o.status_idx >= 0) {
      w->Key("status");
      w->StartObject();
      w->Key("status_list");
      w->StartObject();
      w.Member("idx", o.status_idx);
      w.Member("uri", StatusUri());
      w->EndObject();
      w->EndObject();
    }
    w->EndObject();
    credentials::SdJwtToIssue sd;
    sd.typ = o.typ;
    sd.kid = kid_;
    sd.plain_claims_json = w.str();
    for (const auto& [name, value] : o.claims) {
      common::JsonWriter v;
      v.String(value);
      sd.disclosed.push_back({name, v.str()});
    }
    return *credentials::IssueSdJwt(sd, key_, common::JwsAlg::kES256);
  }
  std::string Issue(const credentials::Holder& holder) const { return Issue(holder, Options{}); }

 private:
  const common::Clock& clock_;
  common::Jwk key_;
  std::string kid_;
  std::atomic<int> metadata_fetches_{0};
  std::atomic<int> status_fetches_{0};
  std::mutex mu_;
  std::map<size_t, uint8_t> statuses_;
  common::HttpServer server_;  // last: stopped before anything its handlers use
};

}  // namespace vc::testing
