#include "credentials/presentation.h"

#include <algorithm>
#include <cctype>

#include "common/base/json.h"
#include "common/base/text.h"
#include "credentials/verify_error.h"

namespace vc::credentials {
using common::Result;
using common::Status;

namespace {

constexpr std::string_view kSiopIssuer = "https://self-issued.me/v2/openid-vc";

bool HasAudience(const rapidjson::Value& p, const std::string& aud) {
  if (auto a = common::GetString(p, "aud")) return *a == aud;
  if (const auto* arr = common::GetArray(p, "aud")) {
    for (const auto& v : arr->GetArray()) {
      if (v.IsString() && v.GetString() == aud) return true;
    }
  }
  return false;
}

// Nonce, audience and lifetime, common to the id_token and each VP.
Status CheckBinding(const rapidjson::Value& p, const PresentationPolicy& policy, const char* what) {
  if (common::GetString(p, "nonce").value_or("") != policy.nonce) {
    return MakeVerifyError(VerifyError::kNonceMismatch,
                           std::string(what) + " nonce does not match the request");
  }
  if (!HasAudience(p, policy.client_id)) {
    return MakeVerifyError(VerifyError::kAudienceMismatch,
                           std::string(what) + " aud is not the verifier");
  }
  const auto exp = common::GetNumericDate(p, "exp");
  if (exp && policy.now >= *exp + policy.skew_seconds) {
    return MakeVerifyError(VerifyError::kExpired, std::string(what) + " has expired");
  }
  return {};
}

Result<std::vector<std::string>> SplitVpToken(const std::string& vp_token) {
  if (vp_token.empty() || vp_token.front() != '[') return std::vector<std::string>{vp_token};
  auto doc = common::ParseJson(vp_token, {256 * 1024, 4});
  if (!doc || !doc->IsArray())
    return MakeVerifyError(VerifyError::kMalformedToken, "vp_token array is not JSON");
  std::vector<std::string> out;
  for (const auto& v : doc->GetArray()) {
    if (!v.IsString())
      return MakeVerifyError(VerifyError::kMalformedToken, "vp_token item is not a string");
    out.emplace_back(v.GetString(), v.GetStringLength());
  }
  return out;
}

// An issuer some requested credential would accept (any, when one of them
// names no accepted issuers).
bool MayBeAccepted(const PresentationPolicy& policy, const std::string& issuer) {
  return std::any_of(policy.requested.begin(), policy.requested.end(), [&](const auto& want) {
    return want.accepted_issuers.empty() ||
           std::find(want.accepted_issuers.begin(), want.accepted_issuers.end(), issuer) !=
               want.accepted_issuers.end();
  });
}

// What the tokens say, before anything they name is resolved.
struct Unverified {
  ParsedJwt id_token;
  std::vector<ParsedJwt> vps;
  std::vector<std::string> vcs;
};

// One VP read unverified: its iss must be the holder, its nonce and audience
// ours; each VC must name the holder and an issuer the request may accept.
Status ReadVp(const std::string& vp_jwt, const std::string& holder,
              const PresentationPolicy& policy, Unverified& out) {
  auto vp = ParseDidSignedJwt(vp_jwt, "iss");
  if (!vp) return vp.error();
  if (vp->claimed_did != holder) {
    return MakeVerifyError(VerifyError::kHolderBinding, "the VP is not from the id_token subject");
  }
  if (auto s = CheckBinding(vp->payload, policy, "the VP"); !s) return s;
  const auto* body = common::GetObject(vp->payload, "vp");
  const auto* vcs = body ? common::GetArray(*body, "verifiableCredential") : nullptr;
  if (!vcs)
    return MakeVerifyError(VerifyError::kMissingClaim, "the VP has no vp.verifiableCredential");
  for (const auto& v : vcs->GetArray()) {
    if (!v.IsString())
      return MakeVerifyError(VerifyError::kMalformedToken, "a VC is not a compact JWS");
    std::string vc(v.GetString(), v.GetStringLength());
    auto parsed = ParseDidSignedJwt(vc, "iss");
    if (!parsed) return parsed.error();
    if (common::GetString(parsed->payload, "sub").value_or("") != holder) {
      return MakeVerifyError(VerifyError::kHolderBinding, "the VP issuer is not the VC subject");
    }
    if (!MayBeAccepted(policy, parsed->claimed_did)) {
      return MakeVerifyError(VerifyError::kIssuerNotAccepted,
                             "issuer " + parsed->claimed_did + " is not accepted");
    }
    out.vcs.push_back(std::move(vc));
  }
  out.vps.push_back(std::move(*vp));
  return {};
}

Result<Unverified> ReadUnverified(const PresentationResponse& response,
                                  const PresentationPolicy& policy) {
  auto id = ParseDidSignedJwt(response.id_token, "sub");
  if (!id) return id.error();
  if (common::GetString(id->payload, "iss").value_or("") != kSiopIssuer) {
    return MakeVerifyError(VerifyError::kBadIdTokenIssuer,
                           "id_token iss is not " + std::string(kSiopIssuer));
  }
  if (auto s = CheckBinding(id->payload, policy, "the id_token"); !s) return s.error();
  const auto* vpt = common::GetObject(id->payload, "_vp_token");
  if (!vpt || !common::GetObject(*vpt, "presentation_submission")) {
    return MakeVerifyError(VerifyError::kMissingSubmission,
                           "id_token has no _vp_token.presentation_submission");
  }
  auto vps = SplitVpToken(response.vp_token);
  if (!vps) return vps.error();
  const std::string holder = id->claimed_did;
  Unverified out{std::move(*id), {}, {}};
  for (const auto& vp : *vps) {
    if (auto s = ReadVp(vp, holder, policy, out); !s) return s.error();
  }
  return out;
}

Status CheckRequested(const RequestedCredential& want, const VerifiedVc& vc) {
  if (!want.accepted_issuers.empty() &&
      std::find(want.accepted_issuers.begin(), want.accepted_issuers.end(), vc.issuer) ==
          want.accepted_issuers.end()) {
    return MakeVerifyError(VerifyError::kIssuerNotAccepted,
                           "issuer " + vc.issuer + " is not accepted");
  }
  for (const auto& c : want.constraints) {
    if (!ConstraintHolds(c, vc.claims)) {
      return MakeVerifyError(VerifyError::kConstraintFailed,
                             "constraint on `" + c.claim_name + "` not met");
    }
  }
  return {};
}

Result<VerifiedCredentialData> Match(const RequestedCredential& want,
                                     const std::vector<VerifiedVc>& vcs, StatusChecker& status,
                                     LinkedDomainChecker& domains) {
  const VerifiedVc* found = nullptr;
  for (const auto& vc : vcs) {
    if (std::find(vc.types.begin(), vc.types.end(), want.type) != vc.types.end()) found = &vc;
  }
  if (!found)
    return MakeVerifyError(VerifyError::kTypeMismatch, "no credential of type " + want.type);
  if (auto s = CheckRequested(want, *found); !s) return s.error();
  VerifiedCredentialData out{*found, false, ""};
  if (found->status) {
    auto revoked = status.IsRevoked(found->issuer, *found->status);
    if (!revoked) return MakeVerifyError(VerifyError::kStatusUnavailable, revoked.error().message);
    out.revoked = *revoked;
    if (*revoked && !want.allow_revoked) {
      return MakeVerifyError(VerifyError::kRevoked, "the credential has been revoked");
    }
  }
  if (want.validate_linked_domain) {
    auto origin = domains.Verify(found->issuer);
    if (!origin)
      return MakeVerifyError(VerifyError::kLinkedDomainUnverified, origin.error().message);
    out.domain = *origin;
  }
  return out;
}

}  // namespace

bool ConstraintHolds(const Constraint& c, const Claims& claims) {
  auto it = std::find_if(claims.begin(), claims.end(),
                         [&](const auto& kv) { return kv.first == c.claim_name; });
  if (it == claims.end()) return false;
  const std::string value = common::AsciiLower(it->second);
  if (!c.values.empty()) {
    return std::any_of(c.values.begin(), c.values.end(),
                       [&](const auto& v) { return common::AsciiLower(v) == value; });
  }
  if (c.contains) return value.find(common::AsciiLower(*c.contains)) != std::string::npos;
  if (c.starts_with) return value.starts_with(common::AsciiLower(*c.starts_with));
  return false;
}

// Everything that needs no DID is checked first (ReadUnverified): the holder's
// and issuers' DIDs, which the sender chose, are resolved only for a response
// bound to this request (nonce, audience) whose issuers it may accept.
Result<VerifiedPresentation> ValidatePresentation(const PresentationResponse& response,
                                                  const PresentationPolicy& policy,
                                                  DidResolver& resolver, StatusChecker& status,
                                                  LinkedDomainChecker& domains) {
  auto unverified = ReadUnverified(response, policy);
  if (!unverified) return unverified.error();
  auto id = VerifyParsedJwt(std::move(unverified->id_token), resolver);
  if (!id) return id.error();
  for (auto& vp : unverified->vps) {
    if (auto v = VerifyParsedJwt(std::move(vp), resolver); !v) return v.error();
  }
  std::vector<VerifiedVc> vcs;
  for (const auto& jwt : unverified->vcs) {
    auto vc = VerifyVcJwt(jwt, resolver, policy.now, policy.skew_seconds);
    if (!vc) return vc.error();
    vcs.push_back(std::move(*vc));
  }
  VerifiedPresentation out{id->signer_did, {}};
  for (const auto& want : policy.requested) {
    auto m = Match(want, vcs, status, domains);
    if (!m) return m.error();
    out.credentials.push_back(std::move(*m));
  }
  return out;
}

}  // namespace vc::credentials
