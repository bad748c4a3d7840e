// The vcserver process as an object: builds every component from a Config,
// wires them to one HTTP listener, and tears them down in order. main.cpp only
// parses flags, constructs an App, waits for a signal and stops it; tests
// construct an App on port 0.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "common/base/clock.h"
#include "common/base/result.h"
#include "common/config/config.h"
#include "common/store/store.h"

namespace vc::server {

struct AppOptions {
  std::string config_path;  // empty = embedded defaults
  std::string data_dir;     // overrides config "dataDir" when set
  std::string listen;       // overrides config "listen" when set ("host:port")
  // The time every component reads; nullptr = the system clock. Tests give a
  // common::ManualClock (it must outlive the App).
  const common::Clock* clock = nullptr;
};

class App {
 public:
  // Loads the configuration and opens the data directory, database and keys.
  // Throws common::ConfigError for configuration mistakes and std::runtime_error
  // for anything else that prevents starting (unwritable data dir, bad keys).
  explicit App(const AppOptions& options);
  ~App();

  // Binds and serves; returns once listening.
  void Start();
  void Stop();

  std::string BaseUrl() const;  // the bound address, e.g. http://127.0.0.1:8080
  // One pass of the retention's prune job (server/retention.h), which also runs
  // every retention.pruneIntervalSeconds: rows removed by table group.
  common::Result<std::map<std::string, int64_t>> RunRetention();
  // The process's database, for tools and tests that must act on the store
  // itself (e.g. bound its size to see a full disk).
  common::Database& database();
  const common::Config& config() const;
  // Lines for a newcomer: what to open, and the demo jumpstart command.
  std::string Greeting() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Parses "host:port"; throws common::ConfigError naming `path` when malformed.
std::pair<std::string, int> ParseListen(const std::string& listen, const std::string& path);

}  // namespace vc::server
