#include "credentials/did_resolver.h"

#include "common/base/log.h"

namespace vc::credentials {
using common::Error;
using common::Result;

namespace {

// Whatever went wrong — refused by the outbound policy, no answer, an HTTP
// error, not a DID document — the caller (often the sender of the DID) is
// told the same, so a did:web cannot be used to map a network. The log says.
Error Unavailable(std::string_view did, std::string_view why) {
  common::LogInfo("did_web_unavailable",
                  {{"did", did.substr(0, 200)}, {"reason", why.substr(0, 200)}});
  return Error{"unresolvable_did", "the did:web document could not be retrieved"};
}

}  // namespace

std::string_view DidOfMethod(std::string_view method_id) {
  return method_id.substr(0, method_id.find('#'));
}

DidResolver::DidResolver(common::HttpClient& http, const common::Clock& clock,
                         DidResolverOptions options)
    : http_(http), clock_(clock), options_(std::move(options)) {}

void DidResolver::AddLocal(std::string did, std::function<std::string()> source) {
  std::lock_guard lock(mu_);
  local_[std::move(did)] = std::move(source);
}

Result<keys::ResolvedDid> DidResolver::Resolve(std::string_view did) {
  if (did.starts_with("did:jwk:")) {
    auto r = keys::ResolveDidJwk(did);
    if (!r) return Error{"unresolvable_did", r.error().message};
    return r;
  }
  if (!did.starts_with("did:web:")) {
    return Error{"unresolvable_did", "DID method not supported: " + std::string(did.substr(0, 8))};
  }
  std::function<std::string()> local;
  {
    std::lock_guard lock(mu_);
    if (auto it = local_.find(did); it != local_.end()) local = it->second;
  }
  if (local) {
    auto r = keys::ParseDidDocument(did, local());
    if (!r) return Error{"unresolvable_did", r.error().message};
    return r;
  }
  return ResolveWeb(did);
}

Result<keys::ResolvedDid> DidResolver::ResolveWeb(std::string_view did) {
  const int64_t now = clock_.NowSeconds();
  {
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(did); it != cache_.end() && it->second.until > now) {
      return it->second.doc;
    }
  }
  auto url = keys::DidWebDocumentUrl(did, options_.web_scheme);
  if (!url) return Error{"unresolvable_did", url.error().message};
  common::HttpRequest request;
  request.url = *url;
  request.headers = {{"Accept", "application/json"}};
  request.timeout_ms = options_.timeout_ms;
  request.max_response_bytes = options_.max_document_bytes;
  auto response = http_.Send(request);
  if (!response) return Unavailable(did, response.error().code);
  if (response->status != 200) return Unavailable(did, "HTTP " + std::to_string(response->status));
  auto doc = keys::ParseDidDocument(did, response->body);
  if (!doc) return Unavailable(did, doc.error().message);
  std::lock_guard lock(mu_);
  cache_[std::string(did)] = Cached{*doc, now + options_.cache_seconds};
  return doc;
}

Result<common::Jwk, DidKeyFailure> DidResolver::ResolveKey(std::string_view method_id) {
  auto doc = Resolve(DidOfMethod(method_id));
  if (!doc) return DidKeyFailure{DidKeyError::kUnresolvableDid, doc.error().message};
  for (const auto& [id, key] : doc->methods) {
    if (id == method_id) return key;
  }
  return DidKeyFailure{DidKeyError::kUnknownKey,
                       "the DID document has no verification method " + std::string(method_id)};
}

}  // namespace vc::credentials
