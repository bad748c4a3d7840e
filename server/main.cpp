// vcserver: parses flags, builds the App, serves until SIGINT/SIGTERM.
#include <cstring>
#include <iostream>
#include <string>

#include "common/base/log.h"
#include "common/base/shutdown_signal.h"
#include "common/config/config.h"
#include "server/app.h"
#include "server/build_info.h"

namespace {

constexpr const char* kUsage =
    "usage: vcserver [--config FILE] [--data-dir DIR] [--listen HOST:PORT]\n"
    "       vcserver --version | --help\n"
    "With no config, runs every role with embedded development defaults on 127.0.0.1:8080,\n"
    "with data in ./var (created on first start). Logs are JSON lines on stderr.\n";

}  // namespace

int main(int argc, char** argv) {
  vc::server::AppOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "vcserver: " << arg << " needs a value\n" << kUsage;
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--config") {
      options.config_path = value();
    } else if (arg == "--data-dir") {
      options.data_dir = value();
    } else if (arg == "--listen") {
      options.listen = value();
    } else if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (arg == "--version") {
      std::cout << "vcserver " << vc::server::BuildVersion() << " (" << vc::server::BuildCommit()
                << ")\n";
      return 0;
    } else {
      std::cerr << "vcserver: unknown argument " << arg << "\n" << kUsage;
      return 2;
    }
  }
  try {
    vc::common::BlockShutdownSignals();  // before any thread starts
    vc::server::App app(options);
    app.Start();
    std::cout << app.Greeting() << std::flush;
    const int sig = vc::common::WaitForShutdownSignal();
    vc::common::LogInfo("stopping", {{"signal", strsignal(sig)}});
    app.Stop();
    vc::common::LogInfo("stopped", {{"signal", strsignal(sig)}});
    return 0;
  } catch (const vc::common::ConfigError& e) {
    std::cerr << "vcserver: configuration error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "vcserver: cannot start: " << e.what() << "\n";
    return 1;
  }
}
