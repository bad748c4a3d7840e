#include "server/app.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "common/base/clock.h"
#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/base/log.h"
#include "common/base/process_limits.h"
#include "common/base/process_metrics.h"
#include "common/base/text.h"
#include "common/http/guarded_http_client.h"
#include "common/http/http_client.h"
#include "common/http/http_server.h"
#include "common/store/job_lease.h"
#include "common/store/store.h"
#include "issuer/intake.h"
#include "issuer/sessions.h"
#include "keys/key_store.h"
#include "keys/rp_keys.h"
#include "server/app_config.h"
#include "server/app_intake.h"
#include "server/app_issuance.h"
#include "server/app_operations.h"
#include "server/app_proofing.h"
#include "server/app_verifier.h"
#include "server/build_info.h"
#include "server/demo_rp.h"
#include "server/embedded_request_service.h"
#include "server/landing_page.h"
#include "server/loopback_http_client.h"
#include "server/rate_limits.h"
#include "server/retention.h"
#include "server/storage.h"

namespace vc::server {
namespace fs = std::filesystem;
using common::Config;
using common::ConfigError;

namespace {

std::string ReadText(const std::string& path) {
  auto text = common::ReadFile(path);
  if (!text) throw std::runtime_error(text.error().message);
  return std::move(text).value();
}

void MakeDataDir(const std::string& dir) {
  std::error_code ec;
  const fs::path parent = fs::path(dir).parent_path();
  if (!parent.empty()) fs::create_directories(parent, ec);
  // Created 0700 from the start (its parents are the operator's business).
  if (!ec && ::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    ec = std::error_code(errno, std::generic_category());
  }
  if (ec) throw std::runtime_error("cannot create data directory " + dir + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);
}

std::string OctalMode(unsigned mode) {
  std::ostringstream out;
  out << '0' << std::oct << mode;
  return out.str();
}

// Key files others may read: refused in production (the key may already have
// leaked; the operator must look), a warning elsewhere.
void CheckKeyFilePermissions(const fs::path& dir, common::Environment environment) {
  for (const auto& loose : keys::FindLooseKeyFiles(dir)) {
    const std::string file = loose.path.string();
    if (environment == common::Environment::kProduction) {
      throw std::runtime_error("key file " + file + " is accessible to other users (mode " +
                               OctalMode(loose.mode) + "); run chmod 600 " + file +
                               " and check whether the key must be rotated");
    }
    common::LogWarn("key_file_permissions",
                    {{"file", file}, {"mode", OctalMode(loose.mode)}, {"fix", "chmod 600"}});
  }
}

template <typename T>
T Must(common::Result<T> r, const std::string& what) {
  if (!r) throw std::runtime_error(what + ": " + r.error().message);
  return std::move(r).value();
}

void Must(common::Status st, const std::string& what) {
  if (!st) throw std::runtime_error(what + ": " + st.error().message);
}

}  // namespace

std::pair<std::string, int> ParseListen(const std::string& listen, const std::string& path) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) throw ConfigError(path, "must be host:port");
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  int port = -1;
  try {
    size_t used = 0;
    port = std::stoi(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1) port = -1;
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 0 || port > 65535) throw ConfigError(path, "port must be 0..65535");
  return {host, port};
}

struct App::Impl {
  explicit Impl(const common::Clock* given) : clock(given ? *given : system_clock) {}
  Config config;
  // Names this process in job leases among the instances sharing the database.
  const std::string instance_id = common::RandomId(9);
  common::SystemClock system_clock;
  const common::Clock& clock;  // AppOptions::clock, or system_clock
  common::CurlHttpClient network;
  // What every component calls: requests to our own public URL (the embedded
  // Request Service, its callbacks to us, our did:web and status lists, the demo
  // RP's JWKS) are served in process, the rest go to `network`.
  std::unique_ptr<LoopbackHttpClient> http;
  // For URLs from untrusted input: the outbound policy in front of `network`,
  // our own public URL in process as for `http`.
  std::unique_ptr<common::GuardedHttpClient> guarded;
  std::unique_ptr<LoopbackHttpClient> outbound;
  std::unique_ptr<common::Database> db;
  std::unique_ptr<keys::KeyStore> keys;
  std::unique_ptr<keys::RpKeyRegistry> rp_keys;
  std::unique_ptr<issuer::OrgRegistry> orgs;
  std::unique_ptr<IntakeWiring> intake;
  std::unique_ptr<RateLimits> rate_limits;  // wraps server routes: outlives the server
  std::unique_ptr<common::HttpServer> server;
  std::unique_ptr<EmbeddedRequestService> request_service;
  std::vector<std::pair<std::string, std::string>> demo_keys;  // org -> private key file
  std::unique_ptr<ProofingWiring> proofing;
  std::unique_ptr<IssuanceWiring> issuance;
  std::unique_ptr<VerifierWiring> verifier;

  // Housekeeping: the retention's prune job every retention.pruneIntervalSeconds.
  std::unique_ptr<Retention> retention;
  std::mutex maintenance_mu;
  std::condition_variable maintenance_cv;
  bool stopping = false;
  std::thread maintenance;
  void RunMaintenance();

  void OpenStorage();
  void BuildIssuer();
  void RegisterLanding();
  keys::RpKeySource OrgKeySource(const common::OrgConfig& org);
  std::string DemoKeyFile(const std::string& org, const keys::StoredKey& key);
};

void App::Impl::OpenStorage() {
  MakeDataDir(config.data_dir);
  if (config.storage.key_encryption_key.empty()) {
    CheckKeyFilePermissions(fs::path(config.data_dir) / "keys", config.environment);
  }
  Storage storage = server::OpenStorage(config);
  db = std::move(storage.db);
  keys = std::move(storage.keys);
  Must(issuer::SessionStore::Prepare(*db), "session store");
  Must(common::MigrateJobLeases(*db), "database migration");
  // The key that signs results for RPs is published at /.well-known/jwks.json.
  Must(keys->ActiveOrGenerate(issuer::IntakeService::kResultKeyPurpose, common::JwsAlg::kES256),
       "result signing key");
}

// Where `vcctl jumpstart mint --key` finds the demo RP's private key: its file
// in the key store, or a copy written beside the data when keys live sealed
// in the database.
std::string App::Impl::DemoKeyFile(const std::string& org, const keys::StoredKey& key) {
  if (!keys->dir().empty()) {
    return (keys->dir() / ("rp-" + org) / ("RS256_" + key.key.kid() + ".pem")).string();
  }
  const fs::path file = fs::path(config.data_dir) / ("demo-rp-" + org + ".pem");
  Must(keys::WritePrivateFile(file, Must(key.key.ToPrivatePem(), "demo RP key")), "demo RP key");
  return file.string();
}

keys::RpKeySource App::Impl::OrgKeySource(const common::OrgConfig& org) {
  keys::RpKeySource src;
  src.org_id = org.id;
  src.jwks_uri = org.keys.jwks_uri;
  src.refresh_seconds = org.keys.refresh_seconds;
  src.inline_jwks_json = org.keys.jwks;
  for (const auto& file : org.keys.pem_files) src.pem_texts.push_back(ReadText(file));
  if (src.jwks_uri.empty() && src.inline_jwks_json.empty() && src.pem_texts.empty()) {
    // Development only (the config refuses it elsewhere): a generated demo RP
    // key pair, so `vcctl jumpstart mint` can sign links for this org.
    auto key = Must(keys->ActiveOrGenerate("rp-" + org.id, common::JwsAlg::kRS256), "demo RP key");
    src.pem_texts.push_back(Must(key.key.PublicOnly().ToPublicPem(), "demo RP key"));
    demo_keys.emplace_back(org.id, DemoKeyFile(org.id, key));
  }
  return src;
}

void App::Impl::BuildIssuer() {
  rp_keys = std::make_unique<keys::RpKeyRegistry>(*http, clock);
  std::vector<issuer::Org> org_list;
  for (const auto& org : config.orgs) {
    Must(rp_keys->AddOrg(OrgKeySource(org)), "orgs." + org.id + ".keys");
    org_list.push_back({org.id, org.name, org.redirect_urls, org.max_token_lifetime_seconds,
                        org.proofing, org.contract});
  }
  orgs = std::make_unique<issuer::OrgRegistry>(org_list);
  const AppDeps app_deps{config, *db, *keys, *http, *outbound, clock, *server, instance_id};
  intake = std::make_unique<IntakeWiring>(app_deps, *orgs, *rp_keys);
  ProofingDeps deps{app_deps, intake->service(), *orgs};
  // Proofing hands verified users on to issuance, which is built after the
  // proofing service because it reads the verified records through it.
  proofing = std::make_unique<ProofingWiring>(deps);
  issuance = std::make_unique<IssuanceWiring>(deps, *proofing);
  proofing->RegisterRoutes(
      deps, issuance->hand_off(),
      [w = issuance.get()](const issuer::Session& s) { return w->IssuesCredential(s); });
}

void App::Impl::RegisterLanding() {
  LandingOptions o;
  o.development = config.environment == common::Environment::kDevelopment;
  o.verifier_demo = o.development && verifier != nullptr;
  o.data_dir = config.data_dir;
  for (const auto& [org, key_file] : demo_keys) {
    const auto* cfg = config.FindOrg(org);
    if (cfg && !cfg->redirect_urls.empty())
      o.demo_orgs.push_back({org, cfg->name, cfg->redirect_urls[0]});
  }
  RegisterLandingPage(*server, *keys, orgs.get(), std::move(o));
}

void App::Impl::RunMaintenance() {
  const auto interval = std::chrono::seconds(config.retention.prune_interval_seconds);
  // One instance prunes per round (common/store/job_lease.h); the lease
  // outlasts the round's work and is free again for the next round.
  const int64_t lease_ms = config.retention.prune_interval_seconds * 900;
  std::unique_lock lock(maintenance_mu);
  while (!maintenance_cv.wait_for(lock, interval, [this] { return stopping; })) {
    lock.unlock();
    auto leased =
        common::TryLease(*db, "retention_prune", instance_id, lease_ms, clock.NowMillis());
    if (leased && *leased) {
      auto removed = retention->RunOnce();
      int64_t rows = 0;
      if (removed) {
        for (const auto& [table, n] : *removed) rows += n;
      }
      if (rows > 0) common::LogInfo("maintenance_pruned", {{"rows", rows}});
    }
    lock.lock();
  }
}

App::App(const AppOptions& options) : impl_(std::make_unique<Impl>(options.clock)) {
  Config& c = impl_->config;
  if (!options.config_path.empty()) {
    c = common::LoadConfigFile(options.config_path);
  } else if (!options.listen.empty()) {
    // Embedded defaults on another address: the public URL (and the demo org's
    // redirect URL derived from it) follow the listen address.
    ParseListen(options.listen, "--listen");
    common::JsonWriter w;
    w->StartObject();
    w.Member("listen", options.listen);
    w.Member("publicBaseUrl", "http://" + options.listen);
    w->EndObject();
    c = common::ParseConfig(w.str(), "");
  } else {
    c = common::DefaultConfig();
  }
  CheckComponentConfig(c);  // every section, before anything is created
  if (!options.data_dir.empty()) c.data_dir = options.data_dir;
  if (!options.config_path.empty() && !options.listen.empty()) {
    std::tie(c.listen_host, c.listen_port) = ParseListen(options.listen, "--listen");
    c.listen = options.listen;
  }
  common::Logger::Global().SetLevel(c.log_level);
  common::RegisterProcessMetrics(common::MetricsRegistry::Global());
  RegisterBuildInfo(common::MetricsRegistry::Global());
  impl_->network = common::CurlHttpClient(common::CurlHttpClientOptions{c.tls.ca_bundle});
  impl_->OpenStorage();
  common::HttpServerOptions http;
  http.address = c.listen_host;
  http.port = static_cast<uint16_t>(c.listen_port);
  // One event loop per core (the default): the hot paths answer from their
  // storage completion and never park a loop. Handlers that may block (outbound
  // provider and wallet calls, blocking stores) run on the blocking pool; it is
  // sized for waiting, not for CPU.
  http.blocking_threads = 32;
  // Connections may use what the file limit leaves after a reserve for the
  // listener, outbound calls, the database and logs.
  constexpr uint64_t kReservedFds = 256;
  const uint64_t files = common::RaiseOpenFileLimit();
  const uint64_t usable = files > 2 * kReservedFds ? files - kReservedFds : files / 2;
  http.max_connections = static_cast<size_t>(
      c.connections.max_open == 0 ? usable : std::min<uint64_t>(usable, c.connections.max_open));
  http.max_connections_per_ip = static_cast<size_t>(c.connections.max_per_ip);
  AddOperationsHooks(http, c.metrics, *impl_->db);
  impl_->server = std::make_unique<common::HttpServer>(http);
  if (c.listen_port == 0 && c.public_base_url.ends_with(":0")) {
    // Port 0 with a URL derived from it: hold the port now so every component
    // is built with the URL it will really be reached at.
    const uint16_t port = impl_->server->ReservePort();
    std::string base = c.public_base_url;
    common::RebasePublicBaseUrl(c, base.substr(0, base.size() - 1) + std::to_string(port));
  }
  impl_->http = std::make_unique<LoopbackHttpClient>(impl_->network, *impl_->server);
  impl_->http->SetBaseUrl(c.public_base_url);
  impl_->guarded =
      std::make_unique<common::GuardedHttpClient>(impl_->network, c.outbound.policy, impl_->clock);
  impl_->outbound = std::make_unique<LoopbackHttpClient>(*impl_->guarded, *impl_->server);
  impl_->outbound->SetBaseUrl(c.public_base_url);
  if (c.HasRole(common::Role::kRequestService) &&
      c.request_service.mode == common::RequestServiceMode::kEmbedded) {
    impl_->request_service = std::make_unique<EmbeddedRequestService>(
        c, *impl_->db, *impl_->keys, *impl_->http, *impl_->outbound, impl_->clock, *impl_->server);
  }
  if (c.HasRole(common::Role::kIssuer)) impl_->BuildIssuer();
  if (c.HasRole(common::Role::kVerifier)) {
    impl_->verifier = std::make_unique<VerifierWiring>(
        VerifierDeps{c, *impl_->db, *impl_->keys, *impl_->http, *impl_->outbound, impl_->clock,
                     *impl_->server, impl_->instance_id});
  }
  if (c.environment == common::Environment::kDevelopment) {
    RegisterDemoRp(*impl_->server, *impl_->keys);
  }
  impl_->RegisterLanding();
  EmbeddedRequestService* rs = impl_->request_service.get();
  impl_->rate_limits = std::make_unique<RateLimits>(
      c.rate_limits, impl_->clock,
      [rs]() -> const request_service::TokenService* { return rs ? rs->tokens() : nullptr; });
  impl_->rate_limits->Apply(*impl_->server);
  impl_->retention = std::make_unique<Retention>(
      c.retention, RetentionTables{impl_->intake != nullptr, impl_->request_service != nullptr},
      *impl_->db, impl_->clock);
}

App::~App() { Stop(); }

void App::Start() {
  impl_->server->Start();
  if (impl_->request_service) impl_->request_service->Start(BaseUrl());
  if (impl_->verifier) impl_->verifier->Start();
  if (impl_->rp_keys) impl_->rp_keys->Start();
  if (impl_->proofing) impl_->proofing->Start();
  impl_->maintenance = std::thread([impl = impl_.get()] { impl->RunMaintenance(); });
  common::LogInfo("vcserver_started",
                  {{"url", BaseUrl()},
                   {"instance", impl_->instance_id},
                   {"environment", common::EnvironmentName(impl_->config.environment)},
                   {"data_dir", impl_->config.data_dir}});
}

void App::Stop() {
  if (!impl_) return;
  if (impl_->server) impl_->server->Shutdown();
  if (impl_->request_service) impl_->request_service->Stop();
  if (impl_->rp_keys) impl_->rp_keys->Stop();
  if (impl_->proofing) impl_->proofing->Stop();
  if (impl_->verifier) impl_->verifier->Stop();
  {
    std::lock_guard lock(impl_->maintenance_mu);
    impl_->stopping = true;
  }
  impl_->maintenance_cv.notify_all();
  if (impl_->maintenance.joinable()) impl_->maintenance.join();
}

std::string App::BaseUrl() const { return impl_->server->BaseUrl(); }

common::Result<std::map<std::string, int64_t>> App::RunRetention() {
  return impl_->retention->RunOnce();
}

common::Database& App::database() { return *impl_->db; }
const Config& App::config() const { return impl_->config; }

std::string App::Greeting() const {
  std::ostringstream out;
  out << "vcserver is listening on " << BaseUrl() << "\n"
      << "  start here: " << BaseUrl() << "/\n"
      << "  health:  " << BaseUrl() << "/healthz\n"
      << "  metrics: " << BaseUrl() << "/metrics\n";
  for (const auto& [org, key_file] : impl_->demo_keys) {
    const auto* cfg = impl_->config.FindOrg(org);
    const std::string redirect = cfg && !cfg->redirect_urls.empty() ? cfg->redirect_urls[0] : "";
    out << "  demo jumpstart link for org '" << org << "' (valid 10 minutes, one use):\n"
        << "    build/bin/vcctl jumpstart mint --org " << org << " --key " << key_file
        << " --redirect-url " << redirect << " --base-url " << impl_->config.public_base_url << "\n"
        << "  open the printed link, pass the sandbox check, then complete the wallet step with "
           "the\n"
        << "  issuance page's \"Open in wallet\" link:\n"
        << "    build/bin/vcwallet --wallet " << impl_->config.data_dir
        << "/demo-wallet.json accept 'openid-vc://?request_uri=...'\n";
  }
  const auto& c = impl_->config;
  if (!impl_->demo_keys.empty() && !c.proofing_providers.empty()) {
    out << "  the sandbox's test inputs (names that reject, async mode, valid ID numbers): "
           "docs/proofing.md\n";
  }
  if (impl_->verifier && c.environment == common::Environment::kDevelopment) {
    out << "  verifier demo page: " << BaseUrl() << "/verifier (docs/verifier.md)\n";
  }
  if (c.HasRole(common::Role::kRequestService) &&
      c.request_service.mode == common::RequestServiceMode::kEmbedded) {
    out << "  embedded Request Service: " << c.public_base_url
        << "/v1.0 — a bearer token for curl:\n"
        << "    build/bin/vcctl request-service token --data-dir " << c.data_dir << "\n";
  }
  return out.str();
}

}  // namespace vc::server
