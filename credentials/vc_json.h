// The JSON members every VC and VP we write opens with, in one place:
// "@context" (W3C VCDM 1.1 first) and "type".
#pragma once

#include <initializer_list>
#include <string_view>

#include "common/base/json.h"

namespace vc::credentials {

inline constexpr std::string_view kCredentialsV1Context = "https://www.w3.org/2018/credentials/v1";
// Defines BitstringStatusListEntry, BitstringStatusListCredential and their
// terms: declared by every credential that uses them (W3C Bitstring Status List).
inline constexpr std::string_view kStatusListContext =
    "https://www.w3.org/ns/credentials/status/v1";

// "@context": [VCDM 1.1, extra…]
inline void WriteContext(common::JsonWriter& w,
                         std::initializer_list<std::string_view> extra = {}) {
  w->Key("@context");
  w->StartArray();
  w.String(kCredentialsV1Context);
  for (auto c : extra) w.String(c);
  w->EndArray();
}

// "type": [types…]
inline void WriteTypes(common::JsonWriter& w, std::initializer_list<std::string_view> types) {
  w->Key("type");
  w->StartArray();
  for (auto t : types) w.String(t);
  w->EndArray();
}

}  // namespace vc::credentials
