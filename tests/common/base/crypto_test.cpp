#include "common/base/crypto.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace vc::common {
namespace {

struct Vector {
  std::string key, data, mac_hex;
};

// RFC 4231 §4.2, §4.3 and §4.7 (test cases 1, 2 and 6).
std::vector<Vector> Rfc4231() {
  return {
      {std::string(20, '\x0b'), "Hi There",
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"Jefe", "what do ya want for nothing?",
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
  };
}

TEST(Crypto, HmacSha256MatchesRfc4231OneShotAndKeyed) {
  for (const auto& v : Rfc4231()) {
    EXPECT_EQ(HexEncode(HmacSha256(v.key, v.data)), v.mac_hex);
    const HmacSha256Key key(v.key);
    EXPECT_EQ(HexEncode(key.Mac(v.data)), v.mac_hex);
    EXPECT_EQ(HexEncode(key.Mac(v.data)), v.mac_hex) << "the template is not consumed";
  }
}

// FIPS 180-2 appendix B: "abc" and the 448-bit message, whole and in parts;
// the per-thread context is reused without carrying state over.
TEST(Crypto, Sha256MatchesFips180VectorsWholeAndInParts) {
  const std::string abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  const std::string two_blocks = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
  const std::string message = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(HexEncode(Sha256("abc")), abc);
    EXPECT_EQ(HexEncode(Sha256(message)), two_blocks);
    const auto parts = Sha256Of({"a", "", "bc"});
    EXPECT_EQ(HexEncode(std::string(parts.begin(), parts.end())), abc);
    const auto split =
        Sha256Of({std::string_view(message).substr(0, 30), std::string_view(message).substr(30)});
    EXPECT_EQ(HexEncode(std::string(split.begin(), split.end())), two_blocks);
  }
}

// One key used from many threads at once, as a token service's key is.
TEST(ConcurrentCrypto, OneHmacKeyOnManyThreads) {
  const auto vectors = Rfc4231();
  const HmacSha256Key key(vectors[1].key);
  std::vector<std::thread> threads;
  std::vector<int> wrong(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        if (HexEncode(key.Mac(vectors[1].data)) != vectors[1].mac_hex) ++wrong[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 8; ++t) EXPECT_EQ(wrong[t], 0);
}

}  // namespace
}  // namespace vc::common
