// DID resolution for verifying credentials and presentations: did:jwk locally,
// did:web over HTTP with a time-bounded cache, and documents registered
// in-process (our own authority, so the service does not call itself over
// HTTP). A did:web names a URL chosen by whoever sent the DID: the server
// gives this resolver the guarded client (guarded_http_client.h), and callers
// resolve only once a request is otherwise checked and bound (docs/security.md).
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "common/base/clock.h"
#include "common/base/result.h"
#include "common/http/http_client.h"
#include "common/jose/jwk.h"
#include "keys/did.h"

namespace vc::credentials {

struct DidResolverOptions {
  // "https" in production; "http" lets a development deployment on plain http
  // (and tests on 127.0.0.1) resolve its did:web.
  std::string web_scheme = "https";
  int64_t cache_seconds = 300;
  long timeout_ms = 5'000;
  size_t max_document_bytes = 256 * 1024;
};

// Why ResolveKey found no key.
enum class DidKeyError {
  kUnresolvableDid,  // the DID document could not be had (see Resolve)
  kUnknownKey,       // the document has no such verification method
};
using DidKeyFailure = common::Failure<DidKeyError>;

class DidResolver {
 public:
  DidResolver(common::HttpClient& http, const common::Clock& clock,
              DidResolverOptions options = {});

  // Documents for `did` come from `source` (called on every resolution, so
  // rotated keys appear at once) instead of the network.
  void AddLocal(std::string did, std::function<std::string()> source);

  // Errors "unresolvable_did" (method not supported, or the did:web document
  // could not be had: one message for every reason, which is logged).
  common::Result<keys::ResolvedDid> Resolve(std::string_view did);

  // The key of a verification method "did:…#frag"; kUnresolvableDid or
  // kUnknownKey when there is none.
  common::Result<common::Jwk, DidKeyFailure> ResolveKey(std::string_view method_id);

 private:
  struct Cached {
    keys::ResolvedDid doc;
    int64_t until = 0;
  };
  common::Result<keys::ResolvedDid> ResolveWeb(std::string_view did);

  common::HttpClient& http_;
  const common::Clock& clock_;
  DidResolverOptions options_;
  std::mutex mu_;
  std::map<std::string, Cached, std::less<>> cache_;
  std::map<std::string, std::function<std::string()>, std::less<>> local_;
};

// "did:…" part of "did:…#frag" (the whole string when there is no '#').
std::string_view DidOfMethod(std::string_view method_id);

}  // namespace vc::credentials
