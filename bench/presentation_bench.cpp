// Single-thread presentation verification throughput: ValidatePresentation over
// pre-built wallet answers (SIOP id_token + VP JWT holding one ES256 VC), i.e.
// the VP and VC signature checks, holder binding, type/issuer/constraint checks,
// with the issuer's did:web document fetched once and then served from the
// resolver's cache (as in a running verifier). Revocation and linked-domain
// answers are fixed, so no network is involved.
//   presentation_bench [SECONDS] [--tsv]
// Rates are per second of this process's CPU time, like jose_bench. --tsv prints
// "verifications/s<TAB>did:web fetches"; otherwise one line.
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/base/clock.h"
#include "common/jose/jws.h"
#include "credentials/holder.h"
#include "credentials/presentation.h"
#include "keys/did.h"

namespace {

using namespace vc;

constexpr const char* kIssuer = "did:web:issuer.example";
constexpr const char* kVerifier = "did:web:verifier.example";
constexpr int kAnswers = 64;  // distinct answers, cycled through

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Serves the issuer's did.json and counts the fetches (the cache should leave it at 1).
class DidDocumentServer final : public common::HttpClient {
 public:
  explicit DidDocumentServer(std::string doc) : doc_(std::move(doc)) {}
  common::Result<common::HttpResponse> Send(const common::HttpRequest&) override {
    ++fetches;
    common::HttpResponse r;
    r.status = 200;
    r.headers.emplace_back("content-type", "application/json");
    r.body = doc_;
    return r;
  }
  int fetches = 0;

 private:
  std::string doc_;
};

class NotRevoked final : public credentials::StatusChecker {
 public:
  common::Result<bool> IsRevoked(const std::string&, const credentials::StatusEntry&) override {
    return false;
  }
};

class NoDomainCheck final : public credentials::LinkedDomainChecker {
 public:
  common::Result<std::string> Verify(const std::string&) override {
    return std::string("https://issuer.example/");
  }
};

struct Fixture {
  std::string did_document;
  std::vector<credentials::PresentationResponse> answers;
  std::vector<std::string> nonces;
};

Fixture Build(int64_t now) {
  Fixture f;
  auto key = common::Jwk::Generate(common::JwsAlg::kES256);
  key = key.WithKid(key.Thumbprint());
  const credentials::Signer issuer{key, common::JwsAlg::kES256,
                                   std::string(kIssuer) + "#" + key.kid()};
  f.did_document =
      keys::DidWebDocument(kIssuer, {{key, common::JwsAlg::kES256, "issuer", true}}, {});
  for (int i = 0; i < kAnswers; ++i) {
    auto holder = credentials::Holder::FromKey(common::Jwk::Generate(common::JwsAlg::kES256));
    credentials::VcToIssue vc{kIssuer,
                              holder.did,
                              {"VerifiedIdentity"},
                              {{"realName", "Megan Bowen"}},
                              now - 10,
                              now + 3600,
                              "urn:pic:" + std::to_string(i),
                              credentials::StatusEntry{"https://issuer.example/status/1", i}};
    const std::string nonce = "nonce-" + std::to_string(i);
    credentials::PresentationAnswer a{kVerifier,
                                      nonce,
                                      "def",
                                      {"VerifiedIdentity"},
                                      {credentials::IssueVcJwt(vc, issuer).value()},
                                      now};
    f.answers.push_back({credentials::MakeSiopIdToken(holder, a).value(),
                         credentials::MakeVpJwt(holder, a).value()});
    f.nonces.push_back(nonce);
  }
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 3.0;
  const bool tsv = argc > 2 && std::string(argv[2]) == "--tsv";
  common::SystemClock clock;
  const int64_t now = clock.NowSeconds();
  Fixture f = Build(now);
  DidDocumentServer http(f.did_document);
  credentials::DidResolver resolver(http, clock, {"https", 3600});
  NotRevoked status;
  NoDomainCheck domains;
  credentials::RequestedCredential want;
  want.type = "VerifiedIdentity";
  want.accepted_issuers = {kIssuer};
  want.constraints = {{"realName", {}, std::string("bowen"), std::nullopt}};

  long done = 0;
  const double t0 = CpuSeconds();
  double elapsed = 0;
  while (elapsed < seconds) {
    const size_t i = static_cast<size_t>(done % kAnswers);
    credentials::PresentationPolicy policy{kVerifier, f.nonces[i], {want}, now, 60};
    auto r = credentials::ValidatePresentation(f.answers[i], policy, resolver, status, domains);
    if (!r) {
      std::fprintf(stderr, "presentation refused: %s: %s\n", r.error().code.c_str(),
                   r.error().message.c_str());
      return 1;
    }
    ++done;
    if (done % 64 == 0) elapsed = CpuSeconds() - t0;
  }
  const double rate = static_cast<double>(done) / elapsed;
  if (tsv) {
    std::printf("%.0f\t%d\n", rate, http.fetches);
  } else {
    std::printf(
        "presentations verified/s (1 thread, VP + id_token + 1 VC, ES256): %.0f; "
        "did:web fetches: %d\n",
        rate, http.fetches);
  }
  return 0;
}
