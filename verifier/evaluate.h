// What a presentation_verified callback (spec §5.3) means for one of our
// requests. The Request Service already validated the presentation; the verifier
// still checks the reported credentials against its own policy (types, accepted
// issuers, revocation, expiry, constraints, FaceCheck scores), and when a receipt
// is present re-verifies the presented id_token, VP(s) and VC(s) itself (defence
// in depth: signatures through DID resolution, holder binding, audience, types,
// issuers, expiry, revocation). Any mismatch is a failure with a reason code.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <string>

#include "credentials/did_resolver.h"
#include "credentials/presentation.h"
#include "verifier/policy.h"
#include "verifier/store.h"

namespace vc::verifier {

struct EvaluationContext {
  std::string authority;  // our verifier DID: the aud of the presentation
  int64_t now = 0;
  credentials::DidResolver& resolver;
  credentials::StatusChecker& status;
  credentials::LinkedDomainChecker& domains;
};

struct Evaluation {
  Terminal terminal;  // presentation_verified with the result JSON, or presentation_error
  std::string nonce;  // the receipt's nonce when one was verified ("" otherwise)
};

// `body` is the callback body (an object whose requestStatus is
// presentation_verified). Reason codes: credentials::VerifyError codes
// ("issuer_not_accepted", "type_mismatch", "revoked", "expired", "constraint_failed",
// "invalid_signature", "nonce_mismatch", ...), plus "malformed_callback" (the body
// lacks subject/verifiedCredentialsData), "receipt_missing" (the policy asked for a
// receipt and none came), "receipt_mismatch" (the receipt's holder is not the
// reported subject) and "face_check_failed" (score absent or below threshold).
// The result JSON is {subject, credentials:[{types, issuer, claims, revocationStatus,
// domainValidation, issuanceDate, expirationDate, faceCheck?}]}.
Evaluation EvaluateVerified(const rapidjson::Value& body, const Policy& policy,
                            const EvaluationContext& ctx);

}  // namespace vc::verifier
