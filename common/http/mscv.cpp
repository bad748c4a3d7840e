#include "common/http/mscv.h"

#include <charconv>
#include <limits>

#include "common/base/crypto.h"

namespace vc::common {
namespace {

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

bool IsBase64Char(char c) { return kBase64Alphabet.find(c) != std::string_view::npos; }

size_t DigitCount(uint32_t v) {
  size_t n = 1;
  while (v >= 10) {
    v /= 10;
    ++n;
  }
  return n;
}

Error Invalid(std::string_view why) { return MakeError("invalid_mscv", std::string(why)); }

Status ParseElements(std::string_view text, std::vector<uint32_t>* out) {
  while (true) {
    const size_t dot = text.find('.');
    const std::string_view part = text.substr(0, dot);
    if (part.empty() || part.size() > 10 || (part.size() > 1 && part[0] == '0')) {
      return Invalid("malformed vector element");
    }
    uint32_t value = 0;
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (ec != std::errc() || end != part.data() + part.size()) {
      return Invalid("malformed vector element");
    }
    out->push_back(value);
    if (dot == std::string_view::npos) return Status::Ok();
    text = text.substr(dot + 1);
  }
}

}  // namespace

Result<CorrelationVector> CorrelationVector::Parse(std::string_view text) {
  if (text.size() > kV2MaxLength) return Invalid("correlation vector too long");
  const size_t dot = text.find('.');
  if (dot == std::string_view::npos) return Invalid("correlation vector has no element");
  const std::string_view base = text.substr(0, dot);
  if (base.size() != kV1BaseLength && base.size() != kV2BaseLength) {
    return Invalid("base must be 16 or 22 characters");
  }
  for (char c : base) {
    if (!IsBase64Char(c)) return Invalid("base is not base64");
  }
  // 22 base64 characters hold 132 bits of which v2 uses 128: the last one has its low
  // four bits clear.
  if (base.size() == kV2BaseLength &&
      std::string_view("AQgw").find(base.back()) == std::string_view::npos) {
    return Invalid("malformed v2 base");
  }
  std::vector<uint32_t> elements;
  if (Status s = ParseElements(text.substr(dot + 1), &elements); !s.ok()) return s.error();
  CorrelationVector cv(std::string(base), std::move(elements));
  if (text.size() > cv.max_length()) return Invalid("correlation vector too long");
  return cv;
}

CorrelationVector CorrelationVector::NewRandom() {
  const std::string bytes = RandomBytes(16);
  std::string base;
  base.reserve(kV2BaseLength);
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      base.push_back(kBase64Alphabet[(acc >> bits) & 0x3f]);
    }
  }
  base.push_back(kBase64Alphabet[(acc << (6 - bits)) & 0x3f]);  // 2 bits left, padded
  return CorrelationVector(std::move(base), {0});
}

size_t CorrelationVector::max_length() const {
  return base_.size() == kV1BaseLength ? kV1MaxLength : kV2MaxLength;
}

size_t CorrelationVector::Length() const {
  size_t n = base_.size();
  for (uint32_t e : elements_) n += 1 + DigitCount(e);
  return n;
}

Status CorrelationVector::Extend() {
  if (Length() + 2 > max_length()) {
    return MakeError("mscv_overflow", "extending would exceed the correlation vector length limit");
  }
  elements_.push_back(0);
  return Status::Ok();
}

Status CorrelationVector::Increment() {
  const uint32_t last = elements_.back();
  if (last == std::numeric_limits<uint32_t>::max()) {
    return MakeError("mscv_overflow", "vector element would overflow");
  }
  if (Length() - DigitCount(last) + DigitCount(last + 1) > max_length()) {
    return MakeError("mscv_overflow",
                     "incrementing would exceed the correlation vector length limit");
  }
  elements_.back() = last + 1;
  return Status::Ok();
}

std::string CorrelationVector::ToString() const {
  std::string out = base_;
  for (uint32_t e : elements_) {
    out.push_back('.');
    out += std::to_string(e);
  }
  return out;
}

}  // namespace vc::common
