// Outbound TLS (CurlHttpClient): verification is on whatever the options, and a
// configured CA bundle (config "tls.caBundle") is what decides trust. The peer
// is `openssl s_server` on port 0 with a throwaway self-signed certificate.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "common/http/http_client.h"
#include "support/temp_dir.h"

extern char** environ;

namespace vc::common {
namespace {

// A throwaway certificate for 127.0.0.1 (its own CA), made with the openssl CLI.
bool MakeCert(const std::string& cert, const std::string& key) {
  const std::string cmd =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "
      "/CN=127.0.0.1"
      " -addext subjectAltName=IP:127.0.0.1 -keyout " +
      key + " -out " + cert + " >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

// `openssl s_server -www` on an ephemeral port; stopped (SIGTERM) on destruction.
class TlsServer {
 public:
  TlsServer(const std::string& cert, const std::string& key) {
    int fds[2];
    if (pipe(fds) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    std::string c = cert, k = key;
    char* argv[] = {const_cast<char*>("openssl"),
                    const_cast<char*>("s_server"),
                    const_cast<char*>("-accept"),
                    const_cast<char*>("127.0.0.1:0"),
                    const_cast<char*>("-www"),
                    const_cast<char*>("-cert"),
                    c.data(),
                    const_cast<char*>("-key"),
                    k.data(),
                    nullptr};
    if (posix_spawnp(&pid_, "openssl", &actions, nullptr, argv, environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    out_ = fdopen(fds[0], "r");
    char line[256];
    // It prints "ACCEPT 127.0.0.1:<port>" once listening. The pipe stays open
    // until the end: closing it would kill the server with SIGPIPE.
    while (pid_ > 0 && out_ && fgets(line, sizeof line, out_)) {
      if (sscanf(line, "ACCEPT 127.0.0.1:%d", &port_) == 1) break;
    }
  }
  ~TlsServer() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    if (out_) fclose(out_);
  }
  std::string Url() const { return "https://127.0.0.1:" + std::to_string(port_) + "/"; }
  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  FILE* out_ = nullptr;
};

TEST(HttpClientTls, TrustComesFromTheCaBundleAndVerificationStaysOn) {
  vc::testing::TempDir dir;
  const std::string cert = dir.File("server.pem"), key = dir.File("server.key");
  const std::string other = dir.File("other.pem"), other_key = dir.File("other.key");
  ASSERT_TRUE(MakeCert(cert, key) && MakeCert(other, other_key)) << "the openssl CLI is needed";
  TlsServer server(cert, key);
  ASSERT_GT(server.port(), 0);

  CurlHttpClient system_store;  // the system CAs do not know this certificate
  auto refused = Get(system_store, server.Url());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "tls_error") << refused.error().message;

  CurlHttpClient wrong_bundle({other});  // a bundle, but not with the server's CA
  auto wrong = Get(wrong_bundle, server.Url());
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, "tls_error");

  CurlHttpClient trusting({cert});
  auto ok = Get(trusting, server.Url());
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->status, 200);
}

}  // namespace
}  // namespace vc::common
