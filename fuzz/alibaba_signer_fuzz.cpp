// The Alibaba Cloud signer's canonicalisation (ACS3 and RPC v1) over arbitrary
// method, path, query and headers: no crash, and the signature is stable.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "issuer/alibaba_signer.h"

namespace vci = vc::issuer;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  vci::Acs3Request request;
  request.method = in.ConsumeRandomLengthString(16);
  request.path = in.ConsumeRandomLengthString(64);
  const size_t pairs = in.ConsumeIntegralInRange<size_t>(0, 16);
  for (size_t i = 0; i < pairs && in.remaining_bytes() > 0; ++i) {
    std::string name = in.ConsumeRandomLengthString(32);
    std::string value = in.ConsumeRandomLengthString(64);
    if (in.ConsumeBool()) {
      request.headers.emplace_back(std::move(name), std::move(value));
    } else {
      request.query.emplace_back(std::move(name), std::move(value));
    }
  }
  request.payload_hash_hex = in.ConsumeRandomLengthString(64);
  const std::string rest = in.ConsumeRemainingBytesAsString();
  const auto first = vci::SignAcs3(request, "LTAI-fuzz", "secret");
  if (vci::SignAcs3(request, "LTAI-fuzz", "secret").authorization != first.authorization) {
    std::abort();
  }
  (void)vci::RpcSignature(request.method, request.query, "secret");
  (void)vci::AliyunEncode(rest);
  return 0;
}
