#include "common/base/base64url.h"

#include <array>
#include <cstdint>

namespace vc::common {
namespace {

constexpr char kUrlAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
// The same 64 characters in ASCII order: digits in this alphabet sort as numbers.
constexpr char kSortedUrlAlphabet[] =
    "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
constexpr char kStdAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int8_t, 256> MakeTable(const char* alphabet) {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 64; ++i) t[static_cast<uint8_t>(alphabet[i])] = static_cast<int8_t>(i);
  return t;
}
constexpr auto kUrlTable = MakeTable(kUrlAlphabet);
constexpr auto kStdTable = MakeTable(kStdAlphabet);

std::string Encode(std::string_view in, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  const size_t rest = in.size() - i;
  if (rest == 1) {
    uint32_t n = uint8_t(in[i]) << 16;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    if (pad) out += "==";
  } else if (rest == 2) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    if (pad) out += '=';
  }
  return out;
}

// Four characters to three bytes at a time into a buffer sized once: token
// parsing decodes every part of every JWS, and a byte-at-a-time append was
// most of ParseCompact's cost under the jumpstart load.
Result<std::string> Decode(std::string_view in, const std::array<int8_t, 256>& table,
                           const char* what) {
  auto fail = [&](const std::string& why) {
    return Error{"bad_base64url", std::string(what) + ": " + why};
  };
  if (in.size() % 4 == 1) return fail("impossible length");
  auto at = [&](size_t i) { return table[static_cast<uint8_t>(in[i])]; };
  std::string out(in.size() * 3 / 4, '\0');
  const size_t full = in.size() - in.size() % 4;
  size_t o = 0;
  for (size_t i = 0; i < full; i += 4) {
    const int8_t a = at(i), b = at(i + 1), c = at(i + 2), d = at(i + 3);
    if ((a | b | c | d) < 0) return fail("character outside the alphabet");
    const uint32_t n = (uint32_t(a) << 18) | (uint32_t(b) << 12) | (uint32_t(c) << 6) | uint32_t(d);
    out[o++] = static_cast<char>(n >> 16);
    out[o++] = static_cast<char>((n >> 8) & 0xFF);
    out[o++] = static_cast<char>(n & 0xFF);
  }
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = full; i < in.size(); ++i) {
    const int8_t v = at(i);
    if (v < 0) return fail("character outside the alphabet");
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  // Leftover bits must be zero, or two encodings would decode to the same bytes.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return fail("non-zero trailing bits");
  return out;
}

}  // namespace

std::string Base64UrlEncode(std::string_view bytes) { return Encode(bytes, kUrlAlphabet, false); }

Result<std::string> Base64UrlDecode(std::string_view text) {
  return Decode(text, kUrlTable, "base64url");
}

std::string Base64Encode(std::string_view bytes) { return Encode(bytes, kStdAlphabet, true); }

Result<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return Error{"bad_base64", "base64: length is not a multiple of 4"};
  size_t pad = 0;
  while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') ++pad;
  auto r = Decode(text.substr(0, text.size() - pad), kStdTable, "base64");
  if (!r) return Error{"bad_base64", r.error().message};
  return r;
}

std::string SortableTimePrefix(int64_t millis) {
  const auto value = static_cast<uint64_t>(millis);
  std::string out(8, '-');
  for (int i = 0; i < 8; ++i) out[7 - i] = kSortedUrlAlphabet[(value >> (6 * i)) & 63];
  return out;
}

}  // namespace vc::common
