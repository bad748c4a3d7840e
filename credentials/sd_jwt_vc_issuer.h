// The keys an SD-JWT VC issuer signs with (SD-JWT VC draft §3.5, §5): for an
// http(s) `iss`, its JWT VC Issuer Metadata at
// {scheme}://{host}/.well-known/jwt-vc-issuer{path} (`issuer` must equal iss;
// keys inline in `jwks` or at `jwks_uri`), the key chosen by the JWT's kid, or
// the only key when the JWT has none; for a DID `iss`, the verification method
// the kid names ("did:…#x", or "#x" relative to iss) through DidResolver.
// Shared by vcwallet (checking what it received) and the verifier (OpenID4VP
// presentations and the Token Status Lists they point to).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "common/base/clock.h"
#include "common/base/result.h"
#include "common/http/http_client.h"
#include "common/jose/jwk.h"
#include "credentials/did_resolver.h"

namespace vc::credentials {

// The metadata URL of an http(s) issuer identifier; error "invalid_issuer" for
// anything else (a query, a fragment, not an absolute URL).
common::Result<std::string> JwtVcIssuerMetadataUrl(std::string_view iss);

class SdJwtIssuerKeys {
 public:
  // Metadata is cached `cache_seconds` per issuer; an unknown kid fetches it again
  // (the issuer may have rotated), at most once per call.
  SdJwtIssuerKeys(common::HttpClient& http, DidResolver& dids, const common::Clock& clock,
                  int64_t cache_seconds = 300);

  // The issuer's public key for `kid` ("" when the JWT names none). Error
  // "issuer_key_unavailable" saying why: metadata unreachable, not 200, not
  // JSON, for another issuer, without keys; no key with that kid; a DID kid of
  // another DID; an unresolvable DID.
  common::Result<common::Jwk> Find(const std::string& iss, const std::string& kid);

 private:
  struct Cached {
    common::Jwks keys;
    int64_t until = 0;
  };
  common::Result<common::Jwk> FindByDid(const std::string& iss, const std::string& kid);
  common::Result<common::Jwks> Fetch(const std::string& iss);

  common::HttpClient& http_;
  DidResolver& dids_;
  const common::Clock& clock_;
  int64_t cache_seconds_;
  std::mutex mu_;
  std::map<std::string, Cached, std::less<>> cache_;
};

}  // namespace vc::credentials
