// The real build/bin/vcserver as a child process, for tests that must kill it
// the hard way (SIGKILL) and start it again on the same data directory. Its
// stdout and stderr go to files; the base URL is read from the greeting
// ("vcserver is listening on http://…"), polling with a deadline.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace vc::testing {

class ServerProcess {
 public:
  ServerProcess() = default;
  ~ServerProcess() { Signal(SIGKILL); }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts vcserver with `args`, output to `log_prefix`.{out,err}; true once it
  // listens (within 60 s), false if it exited or never said so.
  bool Start(const std::vector<std::string>& args, const std::string& log_prefix) {
    out_path_ = log_prefix + ".out";
    err_path_ = log_prefix + ".err";
    const std::string bin = std::string(VC_BIN_DIR) + "/vcserver";
    std::vector<std::string> argv_s = {bin};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;  // built before fork: the child only calls async-signal-safe functions
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
      const int out = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      const int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      ::dup2(out, 1);
      ::dup2(err, 2);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    if (pid_ < 0) return false;
    return WaitForGreeting();
  }

  // Sends `sig` and reaps the child; its exit status (-1 if none was running).
  int Signal(int sig) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, sig);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

  const std::string& url() const { return url_; }
  std::string port() const { return url_.substr(url_.rfind(':') + 1); }
  std::string Stderr() const { return Slurp(err_path_); }

 private:
  static std::string Slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  bool WaitForGreeting() {
    const std::string marker = "listening on ";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string out = Slurp(out_path_);
      const auto at = out.find(marker);
      const auto eol = at == std::string::npos ? at : out.find('\n', at);
      if (eol != std::string::npos) {
        url_ = out.substr(at + marker.size(), eol - at - marker.size());
        return true;
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling a child's output
    }
    return false;
  }

  pid_t pid_ = -1;
  std::string url_;
  std::string out_path_;
  std::string err_path_;
};

}  // namespace vc::testing
