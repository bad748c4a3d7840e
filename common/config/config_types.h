// The sections of the configuration (DESIGN.md §3) as plain structs. Secrets
// are already resolved (inline, "env:NAME" or "file:PATH"). Sections that a
// component owns (a provider's options, a verifier policy) are kept as their
// ConfigNode, with its path, for that component's parser.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/config/config_node.h"
#include "common/http/outbound_policy.h"
#include "common/http/rate_limit.h"

namespace vc::common {

enum class Role { kIssuer, kVerifier, kRequestService };

// Exactly one source, or none: then the server generates a demo RP key pair
// into dataDir (development only).
struct OrgKeys {
  std::string jwks_uri;  // fetched and refreshed every refresh_seconds
  int64_t refresh_seconds = 900;
  std::string jwks;                    // inline JWKS as JSON text; "" when absent
  std::vector<std::string> pem_files;  // resolved against the config file's directory
};

struct OrgConfig {
  std::string id;
  std::string name;                        // defaults to id
  std::vector<std::string> redirect_urls;  // exact-match allow-list
  OrgKeys keys;
  int64_t max_token_lifetime_seconds = 600;
  std::string proofing;          // a proofingProviders key; defaults to the only one
  std::string contract;          // a contracts id; defaults to the only one
  bool issue_credential = true;  // after proofing, issue a Verified ID of `contract`
  int pin_length = 0;            // 4..16: a PIN shown to the user and sent hashed; 0 = none
  int64_t credential_lifetime_seconds = 0;  // > 0: sent as expirationDate; 0 = the contract's
};

struct Auth0Config {
  std::string domain;        // the tenant host; results go to https://{domain}/continue
  std::string token_secret;  // HS256 secret shared with the Action (secret)
  std::string proofing;      // defaults like OrgConfig::proofing
  std::string contract;      // when set, a Verified ID of this contract is issued after proofing
  int pin_length = 0;        // as OrgConfig::pin_length
  // exp - iat of a redirect token at most this; tokens are claimed (one use)
  // until they expire, so this also bounds how long a claim is kept.
  int64_t max_token_lifetime_seconds = 600;
};

enum class ProviderType { kSandbox, kJumio, kAlibaba };

// A proofingProviders entry: its type here (cross-references and the sandbox
// rule need it); its options are parsed by the provider's own code
// (issuer/provider_config.h) from `node`, as written (secrets unresolved).
struct ProofingProviderConfig {
  ProviderType type = ProviderType::kSandbox;
  ConfigNode node;  // "proofingProviders.<name>"
};

enum class RequestServiceMode { kEmbedded, kRemote };

struct RequestServiceClient {  // a client of the embedded Request Service
  std::string client_id;
  std::string client_secret;       // secret
  std::vector<std::string> roles;  // e.g. "VerifiableCredential.Create.All"
};

// In embedded mode the URLs and authority default from publicBaseUrl, and an
// empty client_id means "generate a client into dataDir" (DESIGN §3).
struct RequestServiceConfig {
  RequestServiceMode mode = RequestServiceMode::kEmbedded;
  std::string base_url;  // ".../v1.0"
  std::string token_url;
  std::string client_id;
  std::string client_secret;  // secret
  std::string scope = "3db474b9-6a0c-4840-96ac-1fceb342124f/.default";
  std::string authority;  // the issuer DID
  std::string tenant_id = "local";
  std::vector<RequestServiceClient> clients;
  int64_t request_lifetime_seconds = 300;  // embedded: how long a request_uri answers
  std::string signing_alg = "ES256";       // embedded: the authority key's algorithm on creation
};

// A contracts entry: what other sections refer to — its id (org and tenant
// references) and manifest URL (defaults from publicBaseUrl, the remote-mode
// rule, rebasing). Its claim rules, type, validity and display are parsed by
// credentials/contract_config.h from `node`.
struct ContractConfig {
  std::string id;
  // The manifest URL sent in createIssuanceRequest. Embedded mode: defaults to
  // {publicBaseUrl}/v1.0/tenants/{tenantId}/verifiableCredentials/contracts/{id}/manifest;
  // remote mode (Entra): required for contracts an org or tenant issues.
  std::string manifest_url;
  ConfigNode node;  // "contracts[<i>]"
};

// A verifier.policies entry: its id here; the policy is parsed by the verifier
// (verifier/policy.h) from `node`.
struct VerifierPolicy {
  std::string id;
  ConfigNode node;  // "verifier.policies[<i>]"
};

// Where the verifier tells the application that a presentation request ended.
struct VerifierWebhook {
  std::string url;     // "" = no webhook
  std::string secret;  // secret; HMAC-SHA256 key for the X-Signature header
};

struct VerifierConfig {
  std::string authority;  // defaults to the did:web of publicBaseUrl
  // Policies are parsed and validated by the verifier at startup (verifier/policy.h).
  std::vector<VerifierPolicy> policies;
  // True while the policies are the built-in demo one: the config loader then makes
  // it accept the embedded Request Service's authority as issuer.
  bool default_policies = false;
  int64_t result_retention_seconds = 3600;  // results are purged this long after creation
  VerifierWebhook webhook;
};

struct ApiKeyConfig {
  std::string id;
  std::string org;   // required for role "app"; optional for "admin"
  std::string role;  // "app" or "admin"
  std::string hash;  // "sha256:" + 64 lowercase hex of the key
};

// A per-client-IP and a per-org limit for one group of endpoints.
struct RateLimitPair {
  RateLimit per_ip;
  RateLimit per_org;
};

// "rateLimits" (docs/configuration.md): intake (GET|POST /{orgId}/, Auth0
// /id-verification), the embedded token endpoint (per client_id) and the
// create endpoints (per calling client). A rate of 0 disables a limit.
struct RateLimitsConfig {
  RateLimitPair intake{{5, 100}, {50, 500}};
  RateLimitPair token{{10, 100}, {10, 100}};
  RateLimitPair create{{50, 500}, {50, 500}};
  int64_t max_tracked_keys = 100'000;  // buckets kept per limit (memory bound)
};

// Client connections the listener admits ("connections"): in all and from one
// remote address; 0 = no limit. See HttpServerOptions.
struct ConnectionsConfig {
  int64_t max_open = 10'000;
  int64_t max_per_ip = 256;
};

// "issuance": credential offers per identity record (issuer/offer_gate.h). One
// offer of a record is live at a time whatever these say.
struct IssuanceLimitsConfig {
  int64_t max_offers_per_record = 5;  // new offers per record and window; 0 = no limit
  int64_t offer_window_seconds = 86400;
};

// "retention": how long rows are kept once they are of no more use, and how
// often the prune job runs (docs/security.md lists every table).
struct RetentionConfig {
  int64_t prune_interval_seconds = 600;
  int64_t sessions_seconds = 30 * 86400;                 // after a session expired
  int64_t proofing_attempts_seconds = 90 * 86400;        // after an attempt's verdict
  int64_t unverified_identities_seconds = 30 * 86400;    // records never verified, after a change
  int64_t issuances_seconds = 30 * 86400;                // issuer requests, after creation (ended)
  int64_t request_service_requests_seconds = 7 * 86400;  // embedded requests, after expiry
};

// "metrics": who may read GET /metrics, and whether series name orgs.
struct MetricsConfig {
  std::string token;                     // secret; set: "Authorization: Bearer <token>" needed
  std::vector<std::string> allowed_ips;  // set: only these client IPs (e.g. "127.0.0.1")
  bool org_labels = false;               // false: per-org series are summed, no org ids shown
};

enum class StorageType { kSqlite, kPostgresql };

// "storage" (docs/configuration.md, docs/deployment.md): where the state lives.
// SQLite, the default, is dataDir/vc.db beside one instance; PostgreSQL is
// shared by any number of identical instances. With a key-encryption key the
// signing keys and secrets live in the database too, sealed with AES-256-GCM
// under it (required with PostgreSQL, so that every instance signs with the
// same keys); without one they stay in dataDir/keys.
struct StorageConfig {
  StorageType type = StorageType::kSqlite;
  std::string url;                 // postgresql: a libpq connection string or URI (secret)
  int64_t pool_size = 8;           // postgresql: connections per instance, 2..64
  std::string key_encryption_key;  // 32 bytes, decoded (secret); "" = keys in dataDir/keys
};

// Outbound TLS. Verification of the peer is always on: there is deliberately
// no setting to turn it off. ca_bundle (a PEM file) replaces the system store.
struct TlsConfig {
  std::string ca_bundle;  // "" = the system's CA certificates
};

// "outbound.outbox": how callbacks and webhooks are delivered (outbox.h).
struct OutboxConfig {
  int64_t retry_seconds = 86'400;          // retried this long, then dead-lettered
  int64_t max_backoff_seconds = 3'600;     // the longest wait between two attempts
  int64_t timeout_ms = 10'000;             // one delivery attempt
  int64_t retention_seconds = 7 * 86'400;  // delivered events are kept this long
  int64_t max_destinations = 4;            // receivers delivered to at once
};

// "outbound" (docs/security.md): the policy for URLs that come from untrusted
// input (https_only follows environment production), and the outboxes.
struct OutboundConfig {
  OutboundPolicy policy;
  OutboxConfig outbox;
};

}  // namespace vc::common
