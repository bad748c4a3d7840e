// DID methods this service issues under and resolves: did:jwk (holders, the
// test wallet) and did:web (issuer and verifier authorities).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"
#include "common/jose/jwk.h"
#include "keys/key_store.h"

namespace vc::keys {

// The canonical public JWK JSON of did:jwk: the RFC 7638 required members in
// lexicographic order, no whitespace (as in the did:jwk spec's example).
std::string CanonicalPublicJwkJson(const common::Jwk& key);

// "did:jwk:" + base64url(canonical public JWK). The verification method is DID + "#0".
std::string DidJwkFromKey(const common::Jwk& key);

struct ResolvedDid {
  std::string did;
  std::string document_json;  // the DID document
  // The verification methods: absolute id ("did:…#frag") and key.
  std::vector<std::pair<std::string, common::Jwk>> methods;
};

// Resolves a did:jwk locally (no network). Honours "use": "sig" omits
// keyAgreement, "enc" lists only keyAgreement. Error "invalid_did".
common::Result<ResolvedDid> ResolveDidJwk(std::string_view did);

// (The did:web of a URL is common::DidWebFromUrl in common/config.h, since the
// configuration derives default authorities from publicBaseUrl.)

// Where a did:web document lives: "did:web:a.example" ->
// "https://a.example/.well-known/did.json"; with path segments, ".../x/y/did.json".
// `scheme` lets a development setup on plain http resolve its own did:web.
common::Result<std::string> DidWebDocumentUrl(std::string_view did,
                                              std::string_view scheme = "https");

// The did:web document for `did` listing every key (rotated keys included, so
// credentials they signed still verify), with relative "#<kid>" method ids,
// "@base", and a LinkedDomains service for `origins` when not empty.
std::string DidWebDocument(const std::string& did, const std::vector<StoredKey>& keys,
                           const std::vector<std::string>& origins);

// Parses a DID document (did:web as served by us or by Entra) into its
// verification methods, resolving relative ids against "@base" or the DID.
common::Result<ResolvedDid> ParseDidDocument(std::string_view did, std::string_view document_json);

}  // namespace vc::keys
