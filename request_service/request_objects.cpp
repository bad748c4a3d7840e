// The signed request objects a wallet fetches from request_uri (spec §7.2, §7.4).
#include "common/base/json.h"
#include "common/jose/jws.h"
#include "credentials/presentation_request.h"
#include "request_service/requests.h"

namespace vc::request_service {
using common::JsonWriter;

namespace {

constexpr const char* kAlgs[] = {"ES256", "ES256K", "EdDSA", "RS256"};

void Registration(JsonWriter& w, const std::string& name, const std::string& purpose) {
  w->Key("registration");
  w->StartObject();
  w.Member("client_name", name);
  if (!purpose.empty()) {
    w.Member("client_purpose", purpose);
  }
  w->Key("subject_syntax_types_supported");
  w->StartArray();
  w->String("did:web");
  w->String("did:jwk");
  w->EndArray();
  w->Key("vp_formats");
  w->StartObject();
  for (const char* f : {"jwt_vp", "jwt_vc"}) {
    w->Key(f);
    w->StartObject();
    w->Key("alg");
    w->StartArray();
    for (const char* a : kAlgs) w->String(a);
    w->EndArray();
    w->EndObject();
  }
  w->EndObject();
  w->EndObject();
}

void Common(JsonWriter& w, const StoredRequest& r, const std::string& client_id,
            const std::string& redirect) {
  w.Member("jti", r.id);
  w.Member("iat", r.created);
  w.Member("exp", r.expiry);
  w.Member("response_type", "id_token");
  w.Member("response_mode", "post");
  w.Member("scope", "openid");
  w.Member("nonce", r.nonce);
  w.Member("client_id", client_id);
  w.Member("redirect_uri", redirect);
  w.Member("state", r.wallet_state);
}

void Descriptor(JsonWriter& w, const credentials::RequestedCredential& rc) {
  w->StartObject();
  w.Member("id", rc.type);
  w.Member("name", rc.type);
  if (!rc.purpose.empty()) {
    w.Member("purpose", rc.purpose);
  }
  w->Key("schema");
  w->StartArray();
  w->StartObject();
  w.Member("uri", rc.type);
  w->EndObject();
  w->EndArray();
  w->Key("constraints");
  w->StartObject();
  w->Key("fields");
  w->StartArray();
  for (const auto& c : rc.constraints) {
    w->StartObject();
    w->Key("path");
    w->StartArray();
    w->String("$.vc.credentialSubject." + c.claim_name);
    w->EndArray();
    w->Key("filter");
    w->StartObject();
    w.Member("type", "string");
    w.Member("pattern", credentials::ConstraintPattern(c));
    w->EndObject();
    w->EndObject();
  }
  w->EndArray();
  w->EndObject();
  w->EndObject();
}

void PinObject(JsonWriter& w, const PinSpec& pin, const std::string& salt) {
  w->Key("pin");
  w->StartObject();
  w.Member("length", pin.length);
  w.Member("type", "numeric");
  w.Member("alg", "sha256");
  w.Member("iterations", 1);
  w.Member("salt", salt);
  w->EndObject();
}

// claims.vp_token.presentation_definition {id, input_descriptors: [...]}: the
// frame both request objects share; `descriptors` writes the array's items.
template <typename F>
void WritePresentationDefinition(JsonWriter& w, const std::string& id, F&& descriptors) {
  w->Key("claims");
  w->StartObject();
  w->Key("vp_token");
  w->StartObject();
  w->Key("presentation_definition");
  w->StartObject();
  w.Member("id", id);
  w->Key("input_descriptors");
  w->StartArray();
  descriptors();
  w->EndArray();
  w->EndObject();
  w->EndObject();
  w->EndObject();
}

}  // namespace

std::string Requests::PresentationRequestObject(const StoredRequest& r,
                                                const PresentationSpec& spec) {
  const auto& options = authority_.options();
  JsonWriter w;
  w->StartObject();
  Common(w, r, options.authority,
         options.public_base_url + "/v1.0/verifiableCredentials/verifyPresentation");
  Registration(w, spec.client_name, spec.purpose);
  WritePresentationDefinition(w, r.id, [&] {
    for (const auto& rc : spec.requested) Descriptor(w, rc);
  });
  w->EndObject();
  return w.str();
}

namespace {

// The id_token_hint carries the caller's claims, signed by our authority, so
// the issue endpoint can trust what the wallet sends back. It deliberately
// omits the PIN hash Entra puts there: a 4-digit PIN hash in the wallet's hands
// is brute-forced offline; the PIN is checked here, server-side.
std::string IdTokenHintPayload(const StoredRequest& r, const IssuanceSpec& spec,
                               const std::string& issue_url, const std::string& authority) {
  JsonWriter hint;
  hint->StartObject();
  hint.Member("aud", issue_url);
  hint.Member("nonce", r.nonce);
  hint.Member("did", authority);
  for (const auto& [k, v] : spec.claims) {
    hint->Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
    hint->String(v);
  }
  hint.Member("iss", "https://self-issued.me");
  hint.Member("iat", r.created);
  hint.Member("exp", r.expiry);
  hint.Member("jti", r.id);
  hint->EndObject();
  return hint.str();
}

void IssuanceDefinition(JsonWriter& w, const StoredRequest& r, const IssuanceSpec& spec,
                        const std::string& did) {
  WritePresentationDefinition(w, r.id, [&] {
    w->StartObject();
    w.Member("id", spec.type);
    w->Key("issuance");
    w->StartArray();
    w->StartObject();
    w.Member("manifest", spec.manifest);
    w.Member("did", did);
    w->EndObject();
    w->EndArray();
    w->EndObject();
  });
}

}  // namespace

std::string Requests::IssuanceRequestObject(const StoredRequest& r, const IssuanceSpec& spec) {
  const auto& options = authority_.options();
  const auto signer = authority_.CurrentSigner();
  const std::string hint_jws =
      common::SignCompact(signer.key, signer.alg,
                          IdTokenHintPayload(r, spec, authority_.IssueUrl(), options.authority),
                          {"JWT", signer.kid, ""})
          .value();
  JsonWriter w;
  w->StartObject();
  Common(w, r, options.authority,
         options.public_base_url + "/v1.0/verifiableCredentials/completeIssuance");
  w.Member("prompt", "create");
  w.Member("id_token_hint", hint_jws);
  if (spec.pin) PinObject(w, *spec.pin, r.pin_salt);
  Registration(w, spec.client_name, "");
  IssuanceDefinition(w, r, spec, options.authority);
  w->EndObject();
  return w.str();
}

}  // namespace vc::request_service
