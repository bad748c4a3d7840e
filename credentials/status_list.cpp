#include "credentials/status_list.h"

#include <zlib.h>

#include <stdexcept>

#include "common/base/base64url.h"

namespace vc::credentials {
using common::Error;
using common::Result;

StatusList::StatusList(size_t entries) : bytes_((entries + 7) / 8, '\0') {}

bool StatusList::Get(size_t index) const {
  if (index >= size()) return false;
  const auto byte = static_cast<unsigned char>(bytes_[index / 8]);
  return (byte & (0x80u >> (index % 8))) != 0;
}

void StatusList::Set(size_t index, bool value) {
  if (index >= size()) return;
  auto byte = static_cast<unsigned char>(bytes_[index / 8]);
  const unsigned mask = 0x80u >> (index % 8);
  byte = value ? (byte | mask) : (byte & ~mask);
  bytes_[index / 8] = static_cast<char>(byte);
}

std::string StatusList::Encode() const {
  return "u" + common::Base64UrlEncode(GzipCompress(bytes_));
}

Result<StatusList> StatusList::Decode(std::string_view encoded) {
  if (!encoded.empty() && encoded.front() == 'u') encoded.remove_prefix(1);
  auto compressed = common::Base64UrlDecode(encoded);
  if (!compressed) return Error{"invalid_status_list", "encodedList is not base64url"};
  auto raw = GzipDecompress(*compressed, kMaxEntries / 8);
  if (!raw) return raw.error();
  if (raw->empty()) return Error{"invalid_status_list", "encodedList is empty"};
  StatusList list(0);
  list.bytes_ = std::move(*raw);
  return list;
}

std::string GzipCompress(std::string_view data) {
  z_stream zs{};
  // windowBits 15 + 16 selects the gzip wrapper (RFC 1952) instead of zlib's.
  if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  std::string out(deflateBound(&zs, static_cast<uLong>(data.size())) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw std::runtime_error("deflate failed");
  return out;
}

Result<std::string> GzipDecompress(std::string_view data, size_t max_bytes) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return Error{"invalid_status_list", "inflateInit2"};
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char chunk[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(chunk);
    zs.avail_out = sizeof(chunk);
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(chunk, sizeof(chunk) - zs.avail_out);
    if (out.size() > max_bytes) rc = Z_MEM_ERROR;
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) return Error{"invalid_status_list", "encodedList is not valid gzip"};
  return out;
}

}  // namespace vc::credentials
