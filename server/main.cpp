// vcserver: parses flags, builds the App, serves until SIGINT/SIGTERM.
#include <cstring>
#include <iostream>
#include <string>

#include "common/base/shutdown_signal.h"
#include "common/config/config.h"
#include "server/app.h"

namespace {

constexpr const char* kUsage =
    "usage: vcserver [--config FILE] [--data-dir DIR] [--listen HOST:PORT]\n"
    "With no config, runs every role with embedded development defaults.\n";

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
    std::cerr << "vcserver: " << strsignal(sig) << ", shutting down\n";
    app.Stop();
    return 0;
  } catch (const vc::common::ConfigError& e) {
    std::cerr << "vcserver: configuration error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "vcserver: cannot start: " << e.what() << "\n";
    return 1;
  }
}
