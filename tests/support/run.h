// Runs a built executable (build/bin) the way an operator would, for tests of
// the command-line tools: exit status and everything it printed.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace vc::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Single-quotes an argument for /bin/sh.
inline std::string ShellQuote(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

inline CommandResult RunBinary(const std::string& name, const std::vector<std::string>& args) {
  std::string cmd = ShellQuote(std::string(VC_BIN_DIR) + "/" + name);
  for (const auto& a : args) cmd += " " + ShellQuote(a);
  cmd += " 2>&1";
  CommandResult r;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.output.append(buf.data(), n);
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// stdout and stderr apart, for the rules about which one a message goes to.
struct SplitResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline SplitResult RunBinarySplit(const std::string& name, const std::vector<std::string>& args,
                                  const std::string& cwd = "") {
  char err_path[] = "/tmp/vc_run_stderr_XXXXXX";
  const int fd = ::mkstemp(err_path);
  if (fd >= 0) ::close(fd);
  std::string cmd = cwd.empty() ? "" : "cd " + ShellQuote(cwd) + " && ";
  cmd += ShellQuote(std::string(VC_BIN_DIR) + "/" + name);
  for (const auto& a : args) cmd += " " + ShellQuote(a);
  cmd += " 2>" + ShellQuote(err_path) + " </dev/null";
  SplitResult r;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (FILE* err = std::fopen(err_path, "r")) {
    while ((n = std::fread(buf.data(), 1, buf.size(), err)) > 0) r.err.append(buf.data(), n);
    std::fclose(err);
  }
  std::remove(err_path);
  return r;
}

}  // namespace vc::testing
