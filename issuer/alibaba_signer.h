// Alibaba Cloud OpenAPI request signing, both styles the official SDKs use
// (specs/proofing-providers.md §3.2-3.4):
//   V3 ACS3-HMAC-SHA256 (the default): canonical request over method, path,
//      sorted query, the host/content-type/x-acs-* headers and the payload
//      hash; Authorization header.
//   V1 RPC HMAC-SHA1 (SignatureVersion 1.0): sorted, RFC 3986-encoded params
//      (query and form body together), key = secret + "&"; Signature param.
// Both follow the documented (Go SDK) rules: an empty path is "/", an empty
// query value is written "k=". Pure functions: tests reproduce the vendor's
// published vectors exactly.
#pragma once

#include <string>
#include <string_view>

#include "common/http/url.h"

namespace vc::issuer {

// RFC 3986 percent-encoding as Alibaba specifies it (space %20, '*' %2A, '~' kept).
std::string AliyunEncode(std::string_view raw);

struct Acs3Request {
  std::string method;             // "POST"; may be "" (SDK tests)
  std::string path;               // "/" for RPC APIs; "" means "/"
  common::NameValueList query;    // unencoded names and values
  common::NameValueList headers;  // any case; only host, content-type, x-acs-* are signed
  std::string payload_hash_hex;   // lower-hex SHA-256 of the exact body bytes
};

struct Acs3Signature {
  std::string canonical_request;
  std::string string_to_sign;  // "ACS3-HMAC-SHA256\n" + hex(SHA-256(canonical_request))
  std::string signed_headers;  // "host;x-acs-action;…"
  std::string signature;       // lower-hex HMAC-SHA256(secret, string_to_sign)
  std::string authorization;   // the Authorization header value
};

Acs3Signature SignAcs3(const Acs3Request& request, std::string_view access_key_id,
                       std::string_view access_key_secret);

// V1: method + "&%2F&" + encode(canonicalized query string).
std::string RpcStringToSign(std::string_view method, const common::NameValueList& params);
// V1: base64(HMAC-SHA1(secret + "&", string to sign)). `params` excludes Signature.
std::string RpcSignature(std::string_view method, const common::NameValueList& params,
                         std::string_view access_key_secret);

}  // namespace vc::issuer
