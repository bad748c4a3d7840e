// A contract's display definition (DESIGN.md §3 "contracts[].display"), checked
// at startup and normalised to what the manifest carries (spec §7.5): locale,
// card, consent and claims keyed by claim path.
#pragma once

#include <string>

#include "common/config/config_node.h"

namespace vc::credentials {

// Parses `display` (an object): locale (string, default "en-US"), card and
// consent (objects, kept as written) and claims in either shape —
//   Entra's display definitions: [{"claim": "vc.credentialSubject.firstName",
//     "label": "First name", "type": "String", "description": "…"}], or
//   the manifest's own: {"vc.credentialSubject.firstName": {"label", "type"}};
// any other key or shape is a ConfigError naming its path (e.g.
// "contracts[0].display.claims[1].claim: must start with vc.credentialSubject.").
// Returns the JSON object the manifest's display is written from:
// {"locale", "card"?, "consent"?, "claims": {path: {type, label, description?}}}.
std::string ParseDisplay(const common::ConfigNode& display);

}  // namespace vc::credentials
